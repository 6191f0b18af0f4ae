using System.CommandLine;
using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;
using SimdSfnn.IO.Data;
using SimdSfnn.IO;
using SimdSfnn.Nn.Units;
using static SimdSfnn.Cli.Options.SfnnOptions;

namespace SimdSfnn.Cli.Options;

/// The settings `train`, `bench` and `eval` build alike from their options (cli.md's common options).
internal static class CommonOptions
{
    /// Default maximum learning rates, from the sweeps recorded in README.md.
    public static double DefaultLearningRate(TaskKind task, EstimatorKind estimator) => (task, estimator) switch
    {
        // structured: 392 Bernoulli outputs give larger gradients. Full 100-epoch runs: G3 M=20
        // at 0.3 stalled near C_M = -67, at 0.1 its test C_10 stopped near -64, at 0.03 it
        // reached test C_100 = -53.58; the deterministic net is best at 0.01 (-69.26)
        (TaskKind.Structured, EstimatorKind.Deterministic) => 0.01,
        (TaskKind.Structured, _) => 0.03,
        (_, EstimatorKind.Deterministic) => 0.3,
        (_, EstimatorKind.G1) => 0.01,
        (_, EstimatorKind.G2) => 0.03,
        (_, EstimatorKind.G3) => 1.0, // sweep 0.03/0.1/0.3/1.0 at M=20 gave 4.86/2.73/1.92/1.63% test error
        (_, EstimatorKind.Learned) => 1.0, // starts as G3: at M = 1, 5 epochs on 10000 images gave 10.0% at 1 against 17.5% at 0.1; at M = 20 it does not train (docs/units.md)
        _ => 0.1,
    };

    /// `--task classify|structured` (the other tasks are families of their own).
    public static TaskKind Task(ParseResult r) => r.GetValue(SfnnOptions.Task) == "structured" ? TaskKind.Structured : TaskKind.Classify;

    public static EstimatorKind Estimator(ParseResult r)
    {
        string name = r.GetValue(SfnnOptions.Estimator) ?? "G3";
        return EstimatorRegistry.TryParse(name, out var kind) ? kind : throw new InvalidOperationException($"--estimator accepted '{name}'");
    }

    public static RunSettings Training(ParseResult r)
    {
        var task = Task(r);
        var estimator = Estimator(r);
        int samples = r.GetValue(Samples) ?? (estimator == EstimatorKind.Deterministic ? 1 : 20);
        if (estimator == EstimatorKind.Deterministic && samples != 1)
            throw new BadInputException("option --samples must be 1 with --estimator deterministic (it draws no samples)");
        var layers = OptionKinds.WidthsOr(r, Layers, [200, 200]);
        string? units = UnitsFor(r, layers, estimator);
        double? firingRate = r.GetValue(FiringRate);
        bool twoSided = r.GetValue(FiringTwoSided);
        if (firingRate is null && (r.GetValue(FiringStep) is not null || twoSided))
            throw new BadInputException($"option {(twoSided ? "--firing-two-sided" : "--firing-step")} needs --firing-rate (the target rate it steers the biases to)");
        var settings = new RunSettings
        {
            FiringRate = firingRate,
            FiringStep = r.GetValue(FiringStep) ?? 0.5,
            FiringTwoSided = twoSided,
            Task = task,
            Estimator = estimator,
            Samples = samples,
            Layers = layers,
            Units = units,
            Epochs = r.GetValue(Epochs) ?? (task == TaskKind.Classify ? 50 : 100),
            LearningRate = r.GetValue(LearningRate) ?? DefaultLearningRate(task, estimator),
            Batch = r.GetValue(Batch) ?? 100,
            Seed = r.GetValue(Seed) ?? 1,
            Threads = ThreadCount(r),
            InputNoise = r.GetValue(Noise) ?? (task == TaskKind.Classify ? 0.4 : 0),
            C = r.GetValue(C),
            TrainLimit = r.GetValue(TrainLimit) ?? 0,
            HoldOut = r.GetValue(HoldOut) ?? 0,
        };
        if (settings.FiringRate is not null && !settings.FiringControlled.Contains(true))
            throw new BadInputException("option --firing-rate steers noisy-relu and sts layers, and --units names none");
        return settings;
    }

    /// `--units`, checked against the layers and the estimator; null when not given or when it
    /// names the default (sigmoid-Bernoulli everywhere), so such a run is the same run as one without.
    public static string? UnitsFor(ParseResult r, int[] layers, EstimatorKind estimator)
    {
        ArgumentNullException.ThrowIfNull(r);
        string? units = r.GetValue(Units);
        if (units is null) return null;
        if (RunSettings.UnitsProblem(units, layers.Length, estimator) is { } problem)
            throw new BadInputException($"option --units: {problem}");
        return HiddenUnits.Parse(units, layers.Length, out _)!.All(u => u is SigmoidBernoulliUnit) ? null : units;
    }

    public static int ThreadCount(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.GetValue(Threads) ?? Environment.ProcessorCount;
    }

    /// `--data DIR`, or MNIST fetched into the data folder on first use.
    public static Dataset LoadData(ParseResult r, Progress progress)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(progress);
        string? dir = r.GetValue(Data);
        if (dir is not null)
        {
            if (!Directory.Exists(dir)) throw new BadInputException($"--data {dir}: no such directory");
            return MnistFiles.Load(dir);
        }
        string root = Environment.GetEnvironmentVariable("SFNN_DATA") ?? Path.Combine(Environment.CurrentDirectory, "data");
        return MnistFiles.Load(MnistFiles.EnsureDownloaded(root, progress.Message));
    }
}
