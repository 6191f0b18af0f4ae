using System.Globalization;
using SimdSfnn.Cli.Training;

namespace SimdSfnn.Cli.Reproduce;

/// `reproduce`'s line after each run on stderr: runs and cells done, and the time left,
/// estimated from the seconds per epoch of the runs this process trained with the same M
/// (the cost of a run grows with M; for an M not seen yet, from all of them).
internal sealed class ReproduceProgress(Progress progress, int cells)
{
    readonly Dictionary<int, (double Seconds, int Epochs)> bySamples = [];
    int cellsDone;

    public void CellDone(Cell cell)
    {
        cellsDone++;
        progress.Message(string.Create(CultureInfo.InvariantCulture, $"reproduce: cell {cell.Name} done; cells {cellsDone}/{cells}"));
    }

    /// Before the first run: how much an earlier process already did.
    public void Start(int runsDone, int runsKnown) =>
        progress.Message(string.Create(CultureInfo.InvariantCulture, $"reproduce: {runsDone} of {runsKnown} runs already in runs.jsonl"));

    /// `remaining`: (M, epochs) of each run still to do, as far as they are known.
    public void RunDone(RunRecord record, int runsDone, int runsKnown, IEnumerable<(int Samples, int Epochs)> remaining)
    {
        if (record.Score("seconds") is { } seconds && record.Epochs is { } epochs)
        {
            var sum = bySamples.GetValueOrDefault(record.Spec.Cell.Samples);
            bySamples[record.Spec.Cell.Samples] = (sum.Seconds + seconds, sum.Epochs + epochs);
        }
        string left = bySamples.Count == 0 ? "" : $"; about {Progress.Duration(remaining.Sum(r => SecondsPerEpoch(r.Samples) * r.Epochs))} left";
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"reproduce: {record.Id} done; runs {runsDone}/{runsKnown}, cells {cellsDone}/{cells}{left}"));
    }

    double SecondsPerEpoch(int samples) => bySamples.TryGetValue(samples, out var s)
        ? s.Seconds / s.Epochs
        : bySamples.Values.Sum(v => v.Seconds) / bySamples.Values.Sum(v => v.Epochs);
}
