using System.Globalization;
using System.Text.RegularExpressions;
using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;

namespace SimdSfnn.Cli.Reproduce;

/// `Sweep`: one learning rate of a cell, trained on the first five sixths of the training set
/// and scored on the last sixth (held out). `Final`: the learning rate picked on the held-out
/// examples, trained on the whole training set with one seed and tested.
internal enum RunPhase { Sweep, Final }

/// One run of the protocol. Its id names everything that sets it apart from the other runs, so
/// that `sfnn reproduce --run ID` can start it on any machine and its folder is `runs/ID`.
internal sealed partial record RunSpec(Cell Cell, double LearningRate, ulong Seed, RunPhase Phase)
{
    public string Id => string.Create(CultureInfo.InvariantCulture,
        $"{Cell.Name}-lr{LearningRate:R}-seed{Seed}-{(Phase == RunPhase.Sweep ? "sweep" : "final")}");

    [GeneratedRegex(@"^(classify|structured)-([A-Za-z0-9]+)-M([0-9]+)-lr([0-9.Ee+-]+)-seed([0-9]+)-(sweep|final)$")]
    private static partial Regex IdPattern();

    /// The run an id names, or null when it names none.
    public static RunSpec? Parse(string id)
    {
        var m = IdPattern().Match(id);
        if (!m.Success || !EstimatorRegistry.TryParse(m.Groups[2].Value, out var estimator)
            || !int.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int samples) || samples < 1
            || !double.TryParse(m.Groups[4].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double lr) || !(lr > 0) || !double.IsFinite(lr)
            || !ulong.TryParse(m.Groups[5].Value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
            return null;
        var task = m.Groups[1].Value == "classify" ? TaskKind.Classify : TaskKind.Structured;
        var spec = new RunSpec(new Cell(task, estimator, samples), lr, seed, m.Groups[6].Value == "sweep" ? RunPhase.Sweep : RunPhase.Final);
        return spec.Id == id ? spec : null; // refuses spellings the planner never writes (G3 as g3, 0.30 for 0.3)
    }
}
