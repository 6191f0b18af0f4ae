using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;

namespace SimdSfnn.Cli.Reproduce;

/// One trained configuration of a paper table: the task, the estimator and the samples per
/// example in training. A deterministic cell feeds two rows (tested with h = s and as stochastic).
internal readonly record struct Cell(TaskKind Task, EstimatorKind Estimator, int Samples)
{
    public string Name => $"{TaskName}-{EstimatorRegistry.Name(Estimator)}-M{Samples}";

    public string TaskName => Task == TaskKind.Classify ? "classify" : "structured";
}
