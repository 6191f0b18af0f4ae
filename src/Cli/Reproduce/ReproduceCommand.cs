using System.CommandLine;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Pictures;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;

namespace SimdSfnn.Cli.Reproduce;

/// `sfnn reproduce table1|table2|all`: every cell of Raiko et al.'s Tables 1 and 2, each swept
/// over learning rates on held-out data, the pick retrained with several seeds and tested; the
/// tables written from the run lines in OUT/runs.jsonl. A rerun skips the runs that have a line
/// and resumes an interrupted one from its checkpoint. `--emit` lists the runs that can start
/// now as shell commands instead, `--run ID` trains one of them, `--merge` joins the lines of
/// many machines into the tables. Every option is checked before anything is written.
internal static class ReproduceCommand
{
    const string Tables = "table1, table2 or all";

    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string outDir = r.GetValue(SfnnOptions.Out) ?? Path.Combine("runs", "reproduce");
        var words = r.GetValue(CommandTree.ReproduceWords) ?? [];
        if (r.GetValue(SfnnOptions.Merge))
        {
            CommandTree.ReproduceMerge.RefuseOthers(r);
            return Merge(words, outDir);
        }
        CommandTree.ReproduceTables.RefuseOthers(r);

        if (words.Length == 0) throw new BadInputException($"reproduce needs the table to reproduce: {Tables}");
        if (words.Length > 1) throw new BadInputException($"unexpected argument '{words[1]}'");
        string tableName = words[0];
        var tables = PaperTable.Named(tableName) ?? throw new BadInputException($"reproduce: unknown table '{tableName}'; choose {Tables}");
        var protocol = ReproduceProtocol.Read(r);
        var plan = new ReproducePlan(tables, protocol);
        string? emit = r.GetValue(SfnnOptions.Emit);
        string? runId = r.GetValue(SfnnOptions.Run);
        RunSpec? single = null;
        if (runId is not null)
        {
            single = RunSpec.Parse(runId) is { } spec && plan.Holds(spec) ? spec
                : throw new BadInputException($"option --run: '{runId}' names no run of {tableName}'s protocol (see --emit parallel)");
            if (emit is not null) throw new BadInputException("option --run trains one run; it conflicts with --emit, which lists them");
        }
        string? dataDir = r.GetValue(SfnnOptions.Data);
        if (dataDir is not null && !Directory.Exists(dataDir)) throw new BadInputException($"--data {dataDir}: no such directory");

        string runsPath = Path.Combine(outDir, RunsFile.FileName);
        var records = RunsFile.Read(runsPath);
        RefuseOtherProtocol(plan, protocol, records, runsPath);
        if (emit is not null) return Emit(plan, records, emit, ProtocolArgs(tableName, protocol, outDir, dataDir), protocol.Threads);

        var progress = Progress.ForStandardError();
        var dataset = CommonOptions.LoadData(r, progress);
        using var interruption = new Interruption();
        Directory.CreateDirectory(outDir);
        var runner = new InProcessRun(protocol, dataset, outDir, progress, interruption);
        if (single is null) return TrainAll(plan, runner, records, outDir, tables, progress);
        if (records.Any(r => r.Id == single.Id)) progress.Message($"reproduce: {single.Id} is already in {runsPath}");
        else if (runner.Run(single) is { } record) RunsFile.Append(runsPath, record);
        else return Interruption.ExitCode;
        return 0;
    }

    /// Cell by cell, its sweep and then its final runs, skipping the runs that have a line; the
    /// tables are rewritten after each cell, so that a long reproduction shows what it has so far.
    static int TrainAll(ReproducePlan plan, InProcessRun runner, List<RunRecord> records, string outDir, PaperTable[] tables, Progress progress)
    {
        string runsPath = Path.Combine(outDir, RunsFile.FileName);
        var cells = plan.Cells.ToArray();
        var display = new ReproduceProgress(progress, cells.Length);
        display.Start(Done(plan, records), Done(plan, records) + Remaining(plan, records).Count);
        int trained = 0;
        foreach (var (table, cell) in cells)
        {
            foreach (var phase in new[] { RunPhase.Sweep, RunPhase.Final })
            {
                // the final runs are known once the sweep before them is in `records`
                var runs = phase == RunPhase.Sweep ? plan.Sweep(cell).ToArray() : plan.Finals(table, cell, records)!;
                foreach (var spec in runs.Where(s => !records.Any(r => r.Id == s.Id)))
                {
                    if (runner.Run(spec) is not { } record) return Interruption.ExitCode;
                    RunsFile.Append(runsPath, record);
                    records.Add(record);
                    trained++;
                    var remaining = Remaining(plan, records);
                    int done = Done(plan, records);
                    display.RunDone(record, done, done + remaining.Count, remaining);
                }
            }
            display.CellDone(cell);
            WriteTables(outDir, tables, records);
        }
        Console.WriteLine(JsonLine.Write(new JsonObject
        {
            ["runs"] = Done(plan, records), ["trained"] = trained, ["tables"] = new JsonArray([.. tables.Select(t => (JsonNode)TablePath(outDir, t))]),
        }));
        return 0;
    }

    /// `--merge DIR...`: the lines of every DIR's runs.jsonl (the first line of a run wins) into
    /// OUT/runs.jsonl, and the tables of the tasks they hold.
    static int Merge(string[] folders, string outDir)
    {
        if (folders.Length == 0) throw new BadInputException("option --merge needs the folders whose runs.jsonl to merge");
        foreach (var dir in folders)
            if (!File.Exists(Path.Combine(dir, RunsFile.FileName))) throw new BadInputException($"--merge {dir}: no {RunsFile.FileName} there");
        var records = RunsFile.Merge(folders.Select(d => Path.Combine(d, RunsFile.FileName)));
        var tables = PaperTable.All.Where(t => records.Any(r => r.Spec.Cell.Task == t.Task)).ToArray();
        Directory.CreateDirectory(outDir);
        RunsFile.Write(Path.Combine(outDir, RunsFile.FileName), records);
        WriteTables(outDir, tables, records);
        Console.WriteLine(JsonLine.Write(new JsonObject
        {
            ["runs"] = records.Count, ["tables"] = new JsonArray([.. tables.Select(t => (JsonNode)TablePath(outDir, t))]),
        }));
        return 0;
    }

    static int Emit(ReproducePlan plan, List<RunRecord> records, string emit, List<string> protocolArgs, int threads)
    {
        var ready = plan.Ready(records, out int waiting);
        var commands = JobList.Commands(ready, protocolArgs);
        if (emit == "parallel") foreach (var command in commands) Console.WriteLine(command);
        else Console.Write(JobList.Slurm(commands, threads));
        if (waiting > 0)
            Console.Error.WriteLine($"reproduce: the final runs of {waiting} cells wait for their sweeps; run --emit again once these are done");
        return 0;
    }

    /// The options a `--run` command needs to plan the same runs into the same folder.
    static List<string> ProtocolArgs(string tableName, ReproduceProtocol protocol, string outDir, string? dataDir)
    {
        var words = new List<string> { tableName, "--out", Path.GetFullPath(outDir) };
        if (dataDir is not null) words.AddRange(["--data", Path.GetFullPath(dataDir)]);
        if (protocol.Quick) words.Add("--quick");
        if (protocol.EpochsGiven is { } epochs) words.AddRange(["--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        words.AddRange(["--threads", protocol.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return words;
    }

    /// A folder's lines must come from the same protocol: a table that mixed 2-epoch runs into
    /// 50-epoch ones would be wrong without saying so.
    static void RefuseOtherProtocol(ReproducePlan plan, ReproduceProtocol protocol, List<RunRecord> records, string runsPath)
    {
        string layers = string.Join(',', protocol.Layers);
        foreach (var record in records.Where(r => plan.Cells.Any(c => c.Cell == r.Spec.Cell)))
            if (record.Epochs != protocol.Epochs(record.Spec.Cell.Task) || (record.Layers is not null && record.Layers != layers))
                throw new BadInputException($"{runsPath}: run {record.Id} has {record.Epochs} epochs and layers {record.Layers}, " +
                                            $"this protocol {protocol.Epochs(record.Spec.Cell.Task)} and {layers}; use another --out");
    }

    static int Done(ReproducePlan plan, List<RunRecord> records) => records.Count(r => plan.Cells.Any(c => c.Cell == r.Spec.Cell));

    /// (M, epochs) of each run still to do; a cell whose finals are not yet known counts one per seed.
    static List<(int Samples, int Epochs)> Remaining(ReproducePlan plan, List<RunRecord> records)
    {
        var done = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var left = new List<(int, int)>();
        foreach (var (table, cell) in plan.Cells)
        {
            int epochs = plan.Protocol.Epochs(cell.Task);
            int sweepLeft = plan.Sweep(cell).Count(s => !done.Contains(s.Id));
            int finalsLeft = plan.Finals(table, cell, records)?.Count(f => !done.Contains(f.Id)) ?? plan.Protocol.Seeds;
            left.AddRange(Enumerable.Repeat((cell.Samples, epochs), sweepLeft + finalsLeft));
        }
        return left;
    }

    static string TablePath(string outDir, PaperTable table) => Path.Combine(outDir, table.FileName + ".md");

    static void WriteTables(string outDir, IEnumerable<PaperTable> tables, List<RunRecord> records)
    {
        foreach (var table in tables)
        {
            AtomicFile.WriteAllText(TablePath(outDir, table), ResultTable.Markdown(table, records));
            TableChart.Save(table, ResultTable.Rows(table, records), Path.Combine(outDir, table.FileName + ".png"));
        }
    }
}
