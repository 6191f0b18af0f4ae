using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;
using SimdSfnn.IO.Data;
using SimdSfnn.IO;
using SimdSfnn.Nn.Units;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Options;

/// The options `train`, `bench` and `eval` share (cli.md's common options).
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
        _ => 0.1,
    };

    public static TaskKind Task(ArgumentReader args) => args.Text("task", "classify") switch
    {
        "classify" => TaskKind.Classify,
        "structured" => TaskKind.Structured,
        var other => throw new BadInputException($"option --task must be classify, structured or gsn, got '{other}'"),
    };

    public static EstimatorKind Estimator(ArgumentReader args)
    {
        string name = args.Text("estimator", "G3");
        return EstimatorRegistry.TryParse(name, out var kind) ? kind
            : throw new BadInputException($"option --estimator must be one of {string.Join(", ", EstimatorRegistry.Names)}, got '{name}'");
    }

    public static RunSettings Training(ArgumentReader args)
    {
        var task = Task(args);
        var estimator = Estimator(args);
        int samples = args.Count("samples", estimator == EstimatorKind.Deterministic ? 1 : 20, 1, 100_000);
        if (estimator == EstimatorKind.Deterministic && samples != 1)
            throw new BadInputException("option --samples must be 1 with --estimator deterministic (it draws no samples)");
        var layers = args.IntList("layers", [200, 200]);
        string? units = Units(args, layers, estimator);
        double? firingRate = args.Has("firing-rate") ? args.Number("firing-rate", 0.1, 0, 0.999, minExclusive: true) : null;
        bool twoSided = args.Flag("firing-two-sided");
        if (!args.Has("firing-rate") && (args.Has("firing-step") || twoSided))
            throw new BadInputException($"option {(twoSided ? "--firing-two-sided" : "--firing-step")} needs --firing-rate (the target rate it steers the biases to)");
        double firingStep = args.Number("firing-step", 0.5, 0, 100, minExclusive: true);
        var settings = new RunSettings
        {
            FiringRate = firingRate,
            FiringStep = firingStep,
            FiringTwoSided = twoSided,
            Task = task,
            Estimator = estimator,
            Samples = samples,
            Layers = layers,
            Units = units,
            Epochs = args.Count("epochs", task == TaskKind.Classify ? 50 : 100, 1, 100_000),
            LearningRate = args.Number("lr", DefaultLearningRate(task, estimator), 0, 100, minExclusive: true),
            Batch = args.Count("batch", 100, 1, 1_000_000),
            Seed = args.Seed("seed", 1),
            Threads = Threads(args),
            InputNoise = args.Number("noise", task == TaskKind.Classify ? 0.4 : 0, 0, 100),
            C = args.Has("c") ? args.Number("c", 0, -1e6, 1e6) : null,
            TrainLimit = args.Count("train-limit", 0, 0),
            HoldOut = args.Count("hold-out", 0, 0),
        };
        if (settings.FiringRate is not null && !settings.FiringControlled.Contains(true))
            throw new BadInputException("option --firing-rate steers noisy-relu and sts layers, and --units names none");
        return settings;
    }

    /// `--units`, checked against the layers and the estimator; null when not given or when it
    /// names the default (sigmoid-Bernoulli everywhere), so such a run is the same run as one without.
    public static string? Units(ArgumentReader args, int[] layers, EstimatorKind estimator)
    {
        string? units = args.Text("units");
        if (units is null) return null;
        if (RunSettings.UnitsProblem(units, layers.Length, estimator) is { } problem)
            throw new BadInputException($"option --units: {problem}");
        return HiddenUnits.Parse(units, layers.Length, out _)!.All(u => u is SigmoidBernoulliUnit) ? null : units;
    }

    public static int Threads(ArgumentReader args) => args.Count("threads", Environment.ProcessorCount, 1, 1024);

    /// `--data DIR`, or MNIST fetched into the data folder on first use.
    public static Dataset Data(ArgumentReader args, Progress progress)
    {
        string? dir = args.Text("data");
        if (dir is not null)
        {
            if (!Directory.Exists(dir)) throw new BadInputException($"--data {dir}: no such directory");
            return MnistFiles.Load(dir);
        }
        string root = Environment.GetEnvironmentVariable("SFNN_DATA") ?? Path.Combine(Environment.CurrentDirectory, "data");
        return MnistFiles.Load(MnistFiles.EnsureDownloaded(root, progress.Message));
    }
}
