using System.CommandLine;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;

namespace SimdSfnn.Cli.Reproduce;

/// How every run of `sfnn reproduce` is trained: the paper's settings (section 3: minibatches of
/// 100, momentum 0.9, the rising and falling schedule, 200-200 hidden units, M = 100 at test
/// time), the learning rates swept, the seeds, and `--quick`'s shortened version of all of it.
internal sealed record ReproduceProtocol(bool Quick, int? EpochsGiven, int Seeds, int Threads)
{
    /// Raiko et al.'s grid {0.0001, 0.0003, ..., 0.3}.
    public static readonly double[] PaperLearningRates = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

    /// Beyond the paper's grid: our gradient is the minibatch mean of the per-example estimates,
    /// not their sum, so the best rates sit higher (G3 M = 20 is best at 1, docs/results.md).
    public static readonly double[] WiderLearningRates = [1, 3];

    static readonly double[] QuickLearningRates = [0.03, 0.3];

    /// One sixth of the training set is held out: train[50000:60000] of MNIST's 60000.
    public const int HeldOutShare = 6;

    /// The seed of every sweep run; the final runs use seeds 1..Seeds.
    public const ulong SweepSeed = 1;

    public IReadOnlyList<double> LearningRates => Quick ? QuickLearningRates : [.. PaperLearningRates, .. WiderLearningRates];

    public int[] Layers => Quick ? [16, 16] : [200, 200];

    public int EvalSamples => Quick ? 10 : 100;

    public int MonitorSamples => Quick ? 2 : 10;

    public int Epochs(TaskKind task) => EpochsGiven ?? (Quick ? 2 : task == TaskKind.Classify ? 50 : 100);

    /// A sweep run holds out the last sixth of the training examples; a final run trains on all.
    public static int HeldOut(RunSpec spec, int trainingExamples) => spec.Phase == RunPhase.Sweep ? trainingExamples / HeldOutShare : 0;

    public RunSettings Settings(RunSpec spec, int trainingExamples) => new()
    {
        Task = spec.Cell.Task,
        Estimator = spec.Cell.Estimator,
        Samples = spec.Cell.Samples,
        Layers = Layers,
        Epochs = Epochs(spec.Cell.Task),
        LearningRate = spec.LearningRate,
        Batch = 100,
        Seed = spec.Seed,
        Threads = Threads,
        InputNoise = spec.Cell.Task == TaskKind.Classify ? 0.4 : 0,
        HoldOut = HeldOut(spec, trainingExamples),
    };

    /// `--quick`, `--epochs N`, `--seeds N` (3, or 1 with `--quick`) and `--threads N`.
    public static ReproduceProtocol Read(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        bool quick = r.GetValue(SfnnOptions.Quick);
        return new ReproduceProtocol(quick, r.GetValue(SfnnOptions.Epochs), r.GetValue(SfnnOptions.Seeds) ?? (quick ? 1 : 3), CommonOptions.ThreadCount(r));
    }
}
