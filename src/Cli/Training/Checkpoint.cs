using System.Globalization;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Checkpoints;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// A training run's state as a safetensors file: `layers.{l}.weight` (n_{l+1}, n_l) and
/// `layers.{l}.bias` (n_{l+1}) load directly into PyTorch; `optimizer.velocity`,
/// `estimator.{l}.state` (G1's moving averages) and the metadata (the run's settings, the
/// epochs done, and for a run stopped mid-epoch the steps done and their summed `C_M`) are
/// everything `--resume` needs to continue bit-for-bit: the data order and every random draw
/// are derived from (seed, epoch, example), and the learning rate from the global step.
public sealed record Checkpoint(RunSettings Settings, Parameters Theta, float[]? Velocity, int EpochsDone)
{
    public const string FileName = "checkpoint.safetensors";

    /// Steps of epoch `EpochsDone + 1` already taken (0 at an epoch boundary).
    public int StepsDone { get; init; }
    /// The sum of `C_M` over the examples of those steps, so the epoch's log line is exact.
    public double EpochCriterion { get; init; }
    /// Per hidden layer, the estimator's carried state (empty arrays when it has none).
    public float[][] EstimatorState { get; init; } = [];

    public void Save(string path, Action? beforeRename = null)
    {
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        var shape = Theta.Shape;
        for (int l = 0; l < shape.LayerCount; l++)
        {
            tensors.Add(($"layers.{l}.weight", [shape.Sizes[l + 1], shape.Sizes[l]], Theta.Data.AsMemory(Offset(l, weight: true), shape.WeightCount(l))));
            tensors.Add(($"layers.{l}.bias", [shape.Sizes[l + 1]], Theta.Data.AsMemory(Offset(l, weight: false), shape.Sizes[l + 1])));
        }
        if (Velocity is not null) tensors.Add(("optimizer.velocity", [Velocity.Length], Velocity));
        for (int l = 0; l < EstimatorState.Length; l++)
            if (EstimatorState[l].Length > 0) tensors.Add(($"estimator.{l}.state", [EstimatorState[l].Length], EstimatorState[l]));
        var metadata = Settings.ToMetadata();
        metadata["format"] = "simdsfnn-1";
        metadata["head"] = shape.Head.ToString().ToLowerInvariant();
        metadata["sizes"] = shape.ToString();
        metadata["epochsDone"] = EpochsDone.ToString(CultureInfo.InvariantCulture);
        metadata["stepsDone"] = StepsDone.ToString(CultureInfo.InvariantCulture);
        metadata["epochCriterion"] = EpochCriterion.ToString("R", CultureInfo.InvariantCulture);
        Safetensors.Write(path, tensors, metadata, beforeRename);
    }

    int Offset(int layer, bool weight)
    {
        int offset = 0;
        for (int l = 0; l < layer; l++) offset += Theta.Shape.WeightCount(l) + Theta.Shape.Sizes[l + 1];
        return weight ? offset : offset + Theta.Shape.WeightCount(layer);
    }

    /// Reads and validates a checkpoint; every problem is a one-line `BadInputException` naming the file.
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such checkpoint");
        var file = Safetensors.Read(path);
        var meta = file.Metadata;
        var settings = RunSettings.FromMetadata(meta, path);
        if (!meta.TryGetValue("sizes", out var sizesText) || !meta.TryGetValue("head", out var headText))
            throw new BadInputException($"{path}: checkpoint metadata lacks 'sizes' or 'head'");
        var sizes = sizesText.Split('-').Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out int v) ? v : -1).ToArray();
        if (sizes.Length < 3 || sizes.Any(v => v < 0) || sizes.Skip(1).Any(v => v < 1) || !sizes[1..^1].SequenceEqual(settings.Layers))
            throw new BadInputException($"{path}: checkpoint metadata 'sizes' is '{sizesText}', which disagrees with 'layers'");
        var head = headText switch
        {
            "softmax" => OutputHead.Softmax,
            "bernoulli" => OutputHead.Bernoulli,
            _ => throw new BadInputException($"{path}: checkpoint metadata 'head' is '{headText}'"),
        };
        // Shapes first: the tensors are already in memory, so sizes that match them cannot ask
        // for an absurd allocation.
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            CheckShape(file, path, $"layers.{l}.weight", [sizes[l + 1], sizes[l]]);
            CheckShape(file, path, $"layers.{l}.bias", [sizes[l + 1]]);
        }
        var theta = new Parameters(new NetworkShape(sizes, head));
        for (int l = 0; l < theta.Shape.LayerCount; l++)
        {
            file.Tensor($"layers.{l}.weight").CopyTo(theta.W(l));
            file.Tensor($"layers.{l}.bias").CopyTo(theta.Bias(l));
        }
        float[]? velocity = null;
        if (file.Names.Contains("optimizer.velocity"))
        {
            CheckShape(file, path, "optimizer.velocity", [theta.Data.Length]);
            velocity = file.Tensor("optimizer.velocity");
        }
        var state = new float[theta.Shape.HiddenLayerCount][];
        for (int l = 0; l < state.Length; l++)
            state[l] = file.Names.Contains($"estimator.{l}.state") ? file.Tensor($"estimator.{l}.state") : [];

        int done = Count(meta, path, "epochsDone", required: true);
        if (done > settings.Epochs) throw new BadInputException($"{path}: checkpoint metadata 'epochsDone' is {done}, more than the run's {settings.Epochs} epochs");
        int steps = Count(meta, path, "stepsDone", required: false);
        double epochCriterion = 0;
        if (meta.TryGetValue("epochCriterion", out var criterionText)
            && (!double.TryParse(criterionText, NumberStyles.Float, CultureInfo.InvariantCulture, out epochCriterion) || !double.IsFinite(epochCriterion)))
            throw new BadInputException($"{path}: checkpoint metadata 'epochCriterion' is '{criterionText}'");
        return new Checkpoint(settings, theta, velocity, done) { StepsDone = steps, EpochCriterion = epochCriterion, EstimatorState = state };
    }

    static int Count(IReadOnlyDictionary<string, string> meta, string path, string key, bool required)
    {
        if (!meta.TryGetValue(key, out var text)) return required ? throw new BadInputException($"{path}: checkpoint metadata lacks '{key}'") : 0;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value
            : throw new BadInputException($"{path}: checkpoint metadata '{key}' is '{text}', not a count");
    }

    static void CheckShape(SafetensorsFile file, string path, string name, int[] shape)
    {
        if (!file.Names.Contains(name)) throw new BadInputException($"{path}: checkpoint has no tensor '{name}'");
        var actual = file.Shape(name);
        if (!actual.SequenceEqual(shape))
            throw new BadInputException($"{path}: tensor '{name}' has shape [{string.Join(',', actual)}], expected [{string.Join(',', shape)}]");
    }
}
