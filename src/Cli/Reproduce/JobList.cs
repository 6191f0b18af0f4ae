using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SimdSfnn.Cli.Reproduce;

/// The runs that can start now as shell commands, one `sfnn reproduce ... --run ID` per line,
/// for GNU parallel (`--emit parallel`) or a Slurm job array (`--emit slurm`). Each command
/// runs this same sfnn with the same protocol options, and appends its line to OUT/runs.jsonl.
internal static partial class JobList
{
    /// `protocolArgs`: the table and the options that shape the runs (`--quick`, `--epochs`, ...).
    public static List<string> Commands(IEnumerable<RunSpec> runs, IReadOnlyList<string> protocolArgs)
    {
        string self = string.Join(' ', SelfInvocation().Select(Quote));
        string options = string.Join(' ', protocolArgs.Select(Quote));
        return [.. runs.Select(run => $"{self} reproduce {options} --run {Quote(run.Id)}")];
    }

    /// A job array with one task per command; `SLURM_ARRAY_TASK_ID` (from 1) picks the line.
    public static string Slurm(IReadOnlyList<string> commands, int threads)
    {
        var script = new StringBuilder();
        script.Append("#!/usr/bin/env bash\n");
        script.Append("# sfnn reproduce: one array task per run; submit with sbatch, then run --emit again for the runs that wait on these.\n");
        script.Append("#SBATCH --job-name=sfnn-reproduce\n");
        if (commands.Count > 0) script.Append(System.Globalization.CultureInfo.InvariantCulture, $"#SBATCH --array=1-{commands.Count}\n");
        script.Append(System.Globalization.CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={threads}\n");
        if (commands.Count == 0) return script.Append("# nothing to run: every run that can start now is in runs.jsonl\nexit 0\n").ToString();
        script.Append("set -euo pipefail\n");
        script.Append("case \"${SLURM_ARRAY_TASK_ID:?set by Slurm: which run of the array}\" in\n");
        for (int i = 0; i < commands.Count; i++)
            script.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {i + 1}) {commands[i]} ;;\n");
        script.Append("  *) echo \"sfnn reproduce: no run $SLURM_ARRAY_TASK_ID in this array\" >&2; exit 2 ;;\nesac\n");
        return script.ToString();
    }

    /// How this process was started: the `dotnet` host and `sfnn.dll`, or the apphost alone.
    static string[] SelfInvocation()
    {
        string process = Environment.ProcessPath ?? "sfnn";
        string? entry = Assembly.GetEntryAssembly()?.Location;
        bool hosted = Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry);
        return hosted ? [process, Path.GetFullPath(entry!)] : [process];
    }

    [GeneratedRegex("^[A-Za-z0-9_./=:,+@%-]+$")]
    private static partial Regex PlainWord();

    /// A word as the shell reads it back: plain words as they are, others in single quotes.
    public static string Quote(string word) => PlainWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
