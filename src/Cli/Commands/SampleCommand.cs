using System.CommandLine;
using System.Globalization;
using SimdSfnn.Cli.Gsn;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Pictures;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn sample CHECKPOINT`: completions of the lower half of test digits, as a PNG grid
/// (Raiko et al. 2014, Figure 3). `--digits 0,5,7` picks test examples by index; `--ambiguous N`
/// picks the N examples among the first `--search` whose completions disagree the most.
internal static class SampleCommand
{
    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string path = r.GetValue(CommandTree.SampleCheckpoint)!;
        Checkpoint.RefuseMissing(path);
        if (GsnCheckpoint.Is(path)) // the GSN's chain (issue 17)
        {
            CommandTree.SampleGsn.RefuseOthers(r);
            return GsnSampleCommand.Run(r, path);
        }
        CommandTree.SampleStructured.RefuseOthers(r);
        var checkpoint = Checkpoint.Load(path);
        var settings = checkpoint.Settings;
        if (settings.Task != TaskKind.Structured)
            throw new BadInputException($"{path}: sample draws completions of the structured task, but this checkpoint is a {settings.TaskName} network");
        int completions = r.GetValue(SfnnOptions.Completions) ?? 10;
        int ambiguous = r.GetValue(SfnnOptions.Ambiguous) ?? 0;
        int search = r.GetValue(SfnnOptions.Search) ?? 1000;
        ulong seed = r.GetValue(SfnnOptions.Seed) ?? settings.Seed;
        string? digitList = r.GetValue(SfnnOptions.Digits);
        if (digitList is not null && ambiguous > 0) throw new BadInputException("options --digits and --ambiguous exclude each other");
        string output = r.GetValue(SfnnOptions.Out) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ambiguous > 0 ? "samples-ambiguous.png" : "samples.png");
        if (!output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new BadInputException($"option --out wants a .png file, got '{output}'");
        var dataset = CommonOptions.LoadData(r, Progress.ForStandardError());

        var data = TaskData.Load(settings.Task, dataset, settings.TrainLimit, settings.Seed);
        var shape = checkpoint.Theta.Shape;
        if (!shape.Sizes.SequenceEqual(data.Shape(settings).Sizes))
            throw new BadInputException($"{path}: the checkpoint's network {shape} does not fit the data");
        var grid = new CompletionGrid(shape, dataset.TestImages.Rows, dataset.TestImages.Columns);
        var examples = ambiguous > 0
            ? MostAmbiguous(grid, checkpoint.Theta, data.Test, Math.Min(search, data.Test.Count), ambiguous, completions, seed)
            : Digits(digitList ?? "0,1,2,3,4,5,6,7,8,9", data.Test.Count);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        grid.Save(output, data.Test, examples, grid.Complete(checkpoint.Theta, data.Test, examples, completions, seed));
        Console.WriteLine(output);
        return 0;
    }

    static int[] MostAmbiguous(CompletionGrid grid, Parameters theta, ExampleSet test, int search, int count, int completions, ulong seed)
    {
        var candidates = Enumerable.Range(0, search).ToArray();
        var drawn = grid.Complete(theta, test, candidates, completions, seed);
        return candidates.OrderByDescending(i => CompletionGrid.Spread(drawn[i], test.Outputs)).Take(count).Order().ToArray();
    }

    /// Comma-separated test indices, each below `testCount`.
    internal static int[] Digits(string text, int testCount)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] >= testCount)
                throw new BadInputException($"option --digits wants comma-separated test indices from 0 to {testCount - 1}, got '{text}'");
        return result;
    }
}
