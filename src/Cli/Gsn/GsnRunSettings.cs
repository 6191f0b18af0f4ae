using System.CommandLine;
using System.Globalization;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Nn.Gsn;

namespace SimdSfnn.Cli.Gsn;

/// Everything that defines a GSN training run, with the paper's GSN-2 as the defaults (Bengio et
/// al. 2014, section 7; docs/spec/gsn.md): 784-1500-1500, 2K walkback steps, hidden noise std 2,
/// salt-and-pepper 0.4, lr 0.25 on the per-pixel-mean loss, momentum 0.5, lr x 0.99 per epoch,
/// minibatch 100. Stored in the checkpoint's metadata so that `sample` and `--resume` rebuild it.
internal sealed record GsnRunSettings
{
    public int[] Layers { get; init; } = [1500, 1500];
    public int Walkback { get; init; } = 4;
    public double HiddenNoise { get; init; } = 2;
    public double InputNoise { get; init; } = 0.4;
    public double LearningRate { get; init; } = 0.25;
    public double Decay { get; init; } = 0.99;
    public double Momentum { get; init; } = 0.5;
    public int Batch { get; init; } = 100;
    public int Epochs { get; init; } = 100;
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// Training examples used (the first N of the training part); 0 means all.
    public int TrainLimit { get; init; }
    /// Held-out examples scored each epoch (the first N of the held-out part).
    public int HeldOutLimit { get; init; } = 10_000;

    public GsnChainSettings Chain => new(Walkback, (float)HiddenNoise, (float)InputNoise);

    /// The GSN these settings train on `visible` pixels; refused when its parameters would not fit one array.
    public GsnShape Shape(int visible)
    {
        var shape = new GsnShape([visible, .. Layers]);
        return shape.ParameterCount <= 1L << 28 ? shape
            : throw new BadInputException($"option --layers {string.Join(',', Layers)} gives {shape.ParameterCount} parameters; at most {1L << 28} are supported");
    }

    /// The learning rate of epoch `epoch` (0-based): lr x decay^epoch.
    public float RateAt(int epoch) => new EpochDecaySchedule(LearningRate, Decay).At(epoch);

    public static GsnRunSettings FromOptions(ParseResult r) => StepFromOptions(r) with
    {
        Decay = r.GetValue(SfnnOptions.Decay) ?? 0.99,
        Epochs = r.GetValue(SfnnOptions.Epochs) ?? 100,
        Seed = r.GetValue(SfnnOptions.Seed) ?? 1,
        TrainLimit = r.GetValue(SfnnOptions.TrainLimit) ?? 0,
        HeldOutLimit = r.GetValue(SfnnOptions.HeldOutLimit) ?? 10_000,
    };

    /// The options that shape one training step (the chain, the rate, the batch, the threads),
    /// the others at their defaults: all that `sfnn bench --task gsn` reads.
    public static GsnRunSettings StepFromOptions(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var layers = OptionKinds.WidthsOr(r, SfnnOptions.Layers, [1500, 1500]);
        return new GsnRunSettings
        {
            Layers = layers,
            Walkback = r.GetValue(SfnnOptions.Walkback) ?? 2 * layers.Length,
            HiddenNoise = r.GetValue(SfnnOptions.HiddenNoise) ?? 2,
            InputNoise = r.GetValue(SfnnOptions.InputNoise) ?? 0.4,
            LearningRate = r.GetValue(SfnnOptions.LearningRate) ?? 0.25,
            Batch = OptionKinds.AtMost(SfnnOptions.Batch, r.GetValue(SfnnOptions.Batch) ?? 100, 10_000),
            Threads = CommonOptions.ThreadCount(r),
        };
    }

    /// Whether `other` continues this run (the thread count may differ: it changes only sums' order).
    public bool SameRun(GsnRunSettings other) =>
        other is not null && Layers.SequenceEqual(other.Layers) && Walkback == other.Walkback && HiddenNoise == other.HiddenNoise &&
        InputNoise == other.InputNoise && LearningRate == other.LearningRate && Decay == other.Decay && Momentum == other.Momentum &&
        Batch == other.Batch && Epochs == other.Epochs && Seed == other.Seed && TrainLimit == other.TrainLimit && HeldOutLimit == other.HeldOutLimit;

    public Dictionary<string, string> ToMetadata() => new()
    {
        ["task"] = "gsn",
        ["layers"] = string.Join(',', Layers),
        ["walkback"] = Inv(Walkback),
        ["hiddenNoise"] = Inv(HiddenNoise),
        ["inputNoise"] = Inv(InputNoise),
        ["lr"] = Inv(LearningRate),
        ["decay"] = Inv(Decay),
        ["momentum"] = Inv(Momentum),
        ["batch"] = Inv(Batch),
        ["epochs"] = Inv(Epochs),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["threads"] = Inv(Threads),
        ["trainLimit"] = Inv(TrainLimit),
        ["heldOutLimit"] = Inv(HeldOutLimit),
    };

    public static GsnRunSettings FromMetadata(IReadOnlyDictionary<string, string> metadata, string file)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new BadInputException($"{file}: GSN checkpoint metadata has no '{key}'");
        int Int(string key, int min) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min ? v
            : throw new BadInputException($"{file}: GSN checkpoint metadata '{key}' is out of range: '{Get(key)}'");
        double Number(string key, double min, double max) =>
            double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v <= max ? v
            : throw new BadInputException($"{file}: GSN checkpoint metadata '{key}' is out of range: '{Get(key)}'");
        var layers = Get("layers").Split(',').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int w) && w >= 1 ? w : -1).ToArray();
        if (layers.Any(w => w < 1)) throw new BadInputException($"{file}: GSN checkpoint metadata 'layers' is '{Get("layers")}'");
        return new GsnRunSettings
        {
            Layers = layers,
            Walkback = Int("walkback", 1),
            HiddenNoise = Number("hiddenNoise", 0, 100),
            InputNoise = Number("inputNoise", 0, 1),
            LearningRate = Number("lr", double.Epsilon, 100),
            Decay = Number("decay", double.Epsilon, 1),
            Momentum = Number("momentum", 0, 1),
            Batch = Int("batch", 1),
            Epochs = Int("epochs", 1),
            Seed = ulong.TryParse(Get("seed"), NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) ? seed
                : throw new BadInputException($"{file}: GSN checkpoint metadata 'seed' is '{Get("seed")}'"),
            Threads = Int("threads", 1),
            TrainLimit = Int("trainLimit", 0),
            HeldOutLimit = Int("heldOutLimit", 0),
        };
    }

    static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
    static string Inv(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
