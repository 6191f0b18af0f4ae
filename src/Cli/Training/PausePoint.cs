namespace SimdSfnn.Cli.Training;

/// A test's hook into a run: with `SFNN_TEST_PAUSE=POINT` the run stops when it reaches POINT,
/// prints `paused at POINT` on stderr and waits there until SIGINT or SIGTERM (which then take
/// effect as they always do) or a kill. A test's signal thus lands at a point the test chose,
/// however fast the machine. The points, with epochs and steps counted from 1:
///   `step E.S`     after step S of epoch E, before the run looks for an interruption
///   `log E`        after epoch E's line in log.jsonl, before its checkpoint
///   `rename E.S`   a checkpoint of E epochs and S steps done, complete in its temporary file, before the rename
///   `epoch E`      after epoch E's checkpoint and progress line
///   `final`        after the last checkpoint, before the final evaluation and the summary
internal sealed class PausePoint(string? point, Progress progress, CancellationToken released)
{
    public const string Variable = "SFNN_TEST_PAUSE";

    public static PausePoint FromEnvironment(Progress progress, CancellationToken released) =>
        new(Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } point ? point : null, progress, released);

    public void At(string kind) => At(kind, -1, -1);

    /// Pauses if `kind` with these counts (-1: none) is the chosen point; formats nothing otherwise.
    public void At(string kind, int epoch, int step = -1)
    {
        if (point is null || !point.StartsWith(kind, StringComparison.Ordinal)) return;
        string here = epoch < 0 ? kind : step < 0 ? $"{kind} {epoch}" : $"{kind} {epoch}.{step}";
        if (here != point) return;
        progress.Message($"paused at {here}");
        released.WaitHandle.WaitOne();
    }
}
