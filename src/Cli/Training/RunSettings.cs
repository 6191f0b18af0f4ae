using System.Globalization;
using SimdSfnn.Estimators;
using SimdSfnn.IO;
using SimdSfnn.Nn.Units;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

internal enum TaskKind { Classify, Structured }

/// Everything that defines a training run. Stored in each checkpoint's metadata so that
/// `eval` and `--resume` rebuild the same network and the same random streams.
internal sealed record RunSettings
{
    public TaskKind Task { get; init; } = TaskKind.Classify;
    public EstimatorKind Estimator { get; init; } = EstimatorKind.G3;
    public int Samples { get; init; } = 20;
    public int[] Layers { get; init; } = [200, 200];
    public int Epochs { get; init; } = 50;
    public double LearningRate { get; init; } = 0.1;
    public int Batch { get; init; } = 100;
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public double InputNoise { get; init; } = 0.4;
    public double? C { get; init; }
    /// Training examples used (the first N after loading); 0 means all.
    public int TrainLimit { get; init; }
    /// Examples at the end of those kept out of training and scored at the end (0: none).
    public int HoldOut { get; init; }

    /// The hidden units as `--units` gave them (one name for all layers, or one per layer); null
    /// for the default, sigmoid-Bernoulli in every layer (the deterministic net: sigmoid).
    public string? Units { get; init; }

    /// The firing-rate control's target rate for the layers of noisy rectifiers and STS units
    /// (`--firing-rate`); null: no control.
    public double? FiringRate { get; init; }
    /// Its bias change per step per unit of rate error (`--firing-step`).
    public double FiringStep { get; init; } = 0.5;
    /// Whether the control also pulls down the biases of units that fire above the target
    /// (`--firing-two-sided`); the papers' control only revives silent units.
    public bool FiringTwoSided { get; init; }

    /// The hidden layers the firing-rate control acts on: those whose units can be silent.
    public bool[] FiringControlled => FiringRate is null ? new bool[Layers.Length] : UnitNames.Select(n => n is "noisy-relu" or "sts").ToArray();

    /// The unit name of each hidden layer.
    public string[] UnitNames => Units is null
        ? Layers.Select(_ => Estimator == EstimatorKind.Deterministic ? "sigmoid" : "bernoulli").ToArray()
        : HiddenUnits.Parse(Units, Layers.Length, out _)!.Select(u => u.Name).ToArray();

    /// The unit kind of each hidden layer, for the network's shape (the deterministic net's
    /// passes compute `h = s` themselves, so its layers keep the default kind).
    public IHiddenUnit[] UnitKinds() => Units is null
        ? Layers.Select(_ => (IHiddenUnit)HiddenUnits.Bernoulli).ToArray()
        : HiddenUnits.Parse(Units, Layers.Length, out _)!;

    /// Why `units` cannot be this run's `--units`, or null when it can.
    public static string? UnitsProblem(string units, int layers, EstimatorKind estimator)
    {
        if (HiddenUnits.Parse(units, layers, out var error) is not { } kinds) return error;
        if (estimator == EstimatorKind.Deterministic && kinds.Any(u => u is not SigmoidBernoulliUnit))
            return "the deterministic net's units are sigmoids; --units applies to the stochastic estimators";
        return null;
    }

    public string EstimatorName => EstimatorRegistry.Name(Estimator);
    public string TaskName => Task == TaskKind.Classify ? "classify" : "structured";

    public Dictionary<string, string> ToMetadata() => new()
    {
        ["task"] = TaskName,
        ["estimator"] = EstimatorName,
        ["samples"] = Inv(Samples),
        ["layers"] = string.Join(',', Layers),
        ["epochs"] = Inv(Epochs),
        ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["batch"] = Inv(Batch),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["threads"] = Inv(Threads),
        ["noise"] = InputNoise.ToString("R", CultureInfo.InvariantCulture),
        ["c"] = C?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        ["trainLimit"] = Inv(TrainLimit),
        ["holdOut"] = Inv(HoldOut),
        ["units"] = string.Join(',', UnitNames),
        ["firingRate"] = FiringRate?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        ["firingStep"] = FiringStep.ToString("R", CultureInfo.InvariantCulture),
        ["firingTwoSided"] = FiringTwoSided ? "true" : "false",
    };

    /// Whether a checkpoint of `other` can be continued as this run: every setting that shapes
    /// the network, the data or the random streams agrees (the thread count may differ).
    public bool SameRunAs(RunSettings other) =>
        Task == other.Task && Estimator == other.Estimator && Samples == other.Samples && Layers.SequenceEqual(other.Layers) &&
        LearningRate == other.LearningRate && Batch == other.Batch && Seed == other.Seed && InputNoise == other.InputNoise &&
        C == other.C && TrainLimit == other.TrainLimit && HoldOut == other.HoldOut && Epochs == other.Epochs &&
        UnitNames.SequenceEqual(other.UnitNames) && FiringRate == other.FiringRate && FiringStep == other.FiringStep &&
        FiringTwoSided == other.FiringTwoSided;

    public static RunSettings FromMetadata(IReadOnlyDictionary<string, string> metadata, string file)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new BadInputException($"{file}: checkpoint metadata has no '{key}'");
        T Parse<T>(string key, Func<string, T?> parse) where T : struct =>
            parse(Get(key)) ?? throw new BadInputException($"{file}: checkpoint metadata '{key}' is not valid: '{Get(key)}'");
        int? Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
        double? Dbl(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;

        string task = Get("task");
        if (task is not ("classify" or "structured")) throw new BadInputException($"{file}: checkpoint metadata 'task' is '{task}'");
        if (!EstimatorRegistry.TryParse(Get("estimator"), out var estimator))
            throw new BadInputException($"{file}: checkpoint metadata 'estimator' is '{Get("estimator")}'");
        var layers = Get("layers").Split(',').Select(s => Int(s) ?? -1).ToArray();
        if (layers.Any(w => w < 1)) throw new BadInputException($"{file}: checkpoint metadata 'layers' is '{Get("layers")}'");
        string c = Get("c");
        var settings = new RunSettings
        {
            Task = task == "classify" ? TaskKind.Classify : TaskKind.Structured,
            Estimator = estimator,
            Samples = Parse("samples", Int),
            Layers = layers,
            Epochs = Parse("epochs", Int),
            LearningRate = Parse("lr", Dbl),
            Batch = Parse("batch", Int),
            Seed = ulong.TryParse(Get("seed"), CultureInfo.InvariantCulture, out ulong seed) ? seed
                : throw new BadInputException($"{file}: checkpoint metadata 'seed' is '{Get("seed")}'"),
            Threads = Parse("threads", Int),
            InputNoise = Parse("noise", Dbl),
            C = c.Length == 0 ? null : Parse("c", Dbl),
            TrainLimit = Parse("trainLimit", Int),
            // checkpoints written before held-out examples existed held none out
            HoldOut = metadata.ContainsKey("holdOut") ? Parse("holdOut", Int) : 0,
        };
        // checkpoints written before the firing-rate control had none
        if (metadata.TryGetValue("firingRate", out var rate) && rate.Length > 0)
            settings = settings with
            {
                FiringRate = Parse("firingRate", Dbl), FiringStep = Parse("firingStep", Dbl),
                FiringTwoSided = metadata.TryGetValue("firingTwoSided", out var two) && two == "true",
            };
        // checkpoints written before other units existed name the default ones, or none
        if (metadata.TryGetValue("units", out var units) && units != string.Join(',', settings.UnitNames))
            settings = UnitsProblem(units, layers.Length, estimator) is { } problem
                ? throw new BadInputException($"{file}: checkpoint metadata 'units' is '{units}': {problem}")
                : settings with { Units = units };
        // The same bounds the command line enforces, so a hand-edited file cannot start a run
        // that the options would have refused.
        string? bad = settings switch
        {
            { Samples: < 1 } => "samples",
            { Epochs: < 1 } => "epochs",
            { Batch: < 1 } => "batch",
            { Threads: < 1 } => "threads",
            { TrainLimit: < 0 } => "trainLimit",
            { HoldOut: < 0 } => "holdOut",
            { LearningRate: var lr } when !(lr > 0) || !double.IsFinite(lr) => "lr",
            { InputNoise: var noise } when !(noise >= 0) || !double.IsFinite(noise) => "noise",
            { C: { } cValue } when !double.IsFinite(cValue) => "c",
            { FiringRate: { } r } when !(r > 0 && r < 1) => "firingRate",
            { FiringStep: var step } when !(step > 0) || !double.IsFinite(step) => "firingStep",
            _ => null,
        };
        return bad is null ? settings : throw new BadInputException($"{file}: checkpoint metadata '{bad}' is out of range: '{Get(bad)}'");
    }

    static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
