using System.Globalization;
using SimdSfnn.IO.Checkpoints;
using SimdSfnn.IO.Data;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Estimators;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// A training run's state as a safetensors file. Everything the forward pass needs is in it:
/// `layers.{l}.weight` (n_{l+1}, n_l) and `layers.{l}.bias` (n_{l+1}) load directly into
/// PyTorch; `input.mean` (F64, n_0) is what the classifier subtracts from every input scaled
/// to [0, 1]; the metadata names the input transform, the hidden units of each layer, the
/// output head and the data set (the SHA-256 of its four IDX files). `optimizer.velocity`,
/// `estimator.{l}.state` (G1's moving averages) and the rest of the metadata (the run's
/// settings, the epochs done, and for a run stopped mid-epoch the steps done and their summed
/// `C_M`) are everything `--resume` needs to continue bit-for-bit: the data order and every
/// random draw are derived from (seed, epoch, example), and the learning rate from the global step.
internal sealed record Checkpoint(RunSettings Settings, Parameters Theta, float[]? Velocity, int EpochsDone)
{
    public const string FileName = "checkpoint.safetensors";
    public const string InputMeanTensor = "input.mean";
    const string Sha256Prefix = "sha256.";

    /// Steps of epoch `EpochsDone + 1` already taken (0 at an epoch boundary).
    public int StepsDone { get; init; }
    /// The sum of `C_M` over the examples of those steps, so the epoch's log line is exact.
    public double EpochCriterion { get; init; }
    /// Per hidden layer, the estimator's carried state (empty arrays when it has none).
    public float[][] EstimatorState { get; init; } = [];
    /// The classifier's per-pixel input mean; null for the structured task (and in checkpoints
    /// written before it was stored).
    public double[]? InputMean { get; init; }
    /// The SHA-256 of the training run's four IDX files (`Dataset.Sha256`); null in checkpoints
    /// written before it was stored.
    public string[]? DataSha256 { get; init; }
    /// Per hidden layer, the firing-rate control's moving-average rates (empty where there is none).
    public double[][] FiringRates { get; init; } = [];

    public void Save(string path, Action? beforeRename = null)
    {
        var tensors = new List<SafetensorsTensor>();
        var shape = Theta.Shape;
        for (int l = 0; l < shape.LayerCount; l++)
        {
            tensors.Add(SafetensorsTensor.F32($"layers.{l}.weight", [shape.Sizes[l + 1], shape.Sizes[l]], Theta.Data.AsSpan(Offset(l, weight: true), shape.WeightCount(l))));
            tensors.Add(SafetensorsTensor.F32($"layers.{l}.bias", [shape.Sizes[l + 1]], Theta.Data.AsSpan(Offset(l, weight: false), shape.Sizes[l + 1])));
        }
        if (InputMean is not null) tensors.Add(SafetensorsTensor.F64(InputMeanTensor, [InputMean.Length], InputMean));
        if (Velocity is not null) tensors.Add(SafetensorsTensor.F32("optimizer.velocity", [Velocity.Length], Velocity));
        for (int l = 0; l < EstimatorState.Length; l++)
            if (EstimatorState[l].Length > 0) tensors.Add(SafetensorsTensor.F32($"estimator.{l}.state", [EstimatorState[l].Length], EstimatorState[l]));
        for (int l = 0; l < FiringRates.Length; l++)
            if (FiringRates[l].Length > 0) tensors.Add(SafetensorsTensor.F64($"firing.{l}.rate", [FiringRates[l].Length], FiringRates[l]));
        var metadata = Settings.ToMetadata();
        metadata["format"] = "simdsfnn-1";
        metadata["head"] = shape.Head.ToString().ToLowerInvariant();
        metadata["sizes"] = shape.ToString();
        // What a reader without sfnn needs to rebuild the forward pass (README, "A checkpoint without sfnn").
        metadata["inputTransform"] = Settings.Task == TaskKind.Classify
            ? "x = pixel / 255 - input.mean"
            : "x = the upper half of the image, each pixel drawn once as Bernoulli(pixel / 255) (seeded); y = the lower half";
        if (DataSha256 is not null)
            for (int i = 0; i < DataSha256.Length; i++) metadata[Sha256Prefix + MnistFiles.Names[i]] = DataSha256[i];
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

    /// Refuses a checkpoint path that names no file (before its kind decides which options apply).
    public static void RefuseMissing(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such checkpoint");
    }

    /// Reads and validates a checkpoint; every problem is a one-line `BadInputException` naming the file.
    public static Checkpoint Load(string path)
    {
        RefuseMissing(path);
        var file = Safetensors.Read(path);
        var meta = file.Metadata;
        if (meta.TryGetValue("task", out var task) && task == "gsn")
            throw new BadInputException($"{path}: a GSN checkpoint; this command reads the stochastic feedforward nets' checkpoints (sfnn sample and sfnn eval read a GSN's)");
        var settings = RunSettings.FromMetadata(meta, path);
        if (!meta.TryGetValue("sizes", out var sizesText) || !meta.TryGetValue("head", out var headText))
            throw new BadInputException($"{path}: checkpoint metadata lacks 'sizes' or 'head'");
        var sizes = sizesText.Split('-').Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out int v) ? v : -1).ToArray();
        if (sizes.Length < 3 || sizes.Any(v => v < 0) || sizes.Skip(1).Any(v => v < 1) || !sizes.AsSpan(1, sizes.Length - 2).SequenceEqual(settings.Layers))
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
        var theta = new Parameters(new NetworkShape(sizes, head, settings.UnitKinds()));
        for (int l = 0; l < theta.Shape.LayerCount; l++)
        {
            F32(file, path, $"layers.{l}.weight").CopyTo(theta.W(l));
            F32(file, path, $"layers.{l}.bias").CopyTo(theta.Bias(l));
        }
        float[]? velocity = null;
        if (file.Names.Contains("optimizer.velocity"))
        {
            CheckShape(file, path, "optimizer.velocity", [theta.Data.Length]);
            velocity = F32(file, path, "optimizer.velocity");
        }
        double[]? inputMean = null;
        if (file.Names.Contains(InputMeanTensor))
        {
            CheckShape(file, path, InputMeanTensor, [sizes[0]]);
            if (file.DType(InputMeanTensor) != "F64") throw new BadInputException($"{path}: tensor '{InputMeanTensor}' is {file.DType(InputMeanTensor)}, expected F64");
            inputMean = file.TensorF64(InputMeanTensor);
        }
        string[]? sha256 = null;
        if (meta.ContainsKey(Sha256Prefix + MnistFiles.Names[0]))
        {
            sha256 = MnistFiles.Names.Select(n => meta.TryGetValue(Sha256Prefix + n, out var h) && h.Length == 64 && h.All(char.IsAsciiHexDigitLower) ? h
                : throw new BadInputException($"{path}: checkpoint metadata '{Sha256Prefix}{n}' is missing or not a SHA-256")).ToArray();
        }
        var state = new float[theta.Shape.HiddenLayerCount][];
        for (int l = 0; l < state.Length; l++)
            state[l] = file.Names.Contains($"estimator.{l}.state") ? F32(file, path, $"estimator.{l}.state") : [];

        var firing = new double[theta.Shape.HiddenLayerCount][];
        for (int l = 0; l < firing.Length; l++)
        {
            string name = $"firing.{l}.rate";
            if (!file.Names.Contains(name)) { firing[l] = []; continue; }
            CheckShape(file, path, name, [sizes[l + 1]]);
            firing[l] = file.DType(name) == "F64" ? file.TensorF64(name) : throw new BadInputException($"{path}: tensor '{name}' is {file.DType(name)}, expected F64");
        }

        int done = Count(meta, path, "epochsDone", required: true);
        if (done > settings.Epochs) throw new BadInputException($"{path}: checkpoint metadata 'epochsDone' is {done}, more than the run's {settings.Epochs} epochs");
        int steps = Count(meta, path, "stepsDone", required: false);
        double epochCriterion = 0;
        if (meta.TryGetValue("epochCriterion", out var criterionText)
            && (!double.TryParse(criterionText, NumberStyles.Float, CultureInfo.InvariantCulture, out epochCriterion) || !double.IsFinite(epochCriterion)))
            throw new BadInputException($"{path}: checkpoint metadata 'epochCriterion' is '{criterionText}'");
        return new Checkpoint(settings, theta, velocity, done)
        {
            StepsDone = steps, EpochCriterion = epochCriterion, EstimatorState = state, InputMean = inputMean, DataSha256 = sha256,
            FiringRates = firing,
        };
    }

    static int Count(IReadOnlyDictionary<string, string> meta, string path, string key, bool required)
    {
        if (!meta.TryGetValue(key, out var text)) return required ? throw new BadInputException($"{path}: checkpoint metadata lacks '{key}'") : 0;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value
            : throw new BadInputException($"{path}: checkpoint metadata '{key}' is '{text}', not a count");
    }

    static float[] F32(SafetensorsFile file, string path, string name) => file.DType(name) == "F32" ? file.Tensor(name)
        : throw new BadInputException($"{path}: tensor '{name}' is {file.DType(name)}, expected F32");

    static void CheckShape(SafetensorsFile file, string path, string name, int[] shape)
    {
        if (!file.Names.Contains(name)) throw new BadInputException($"{path}: checkpoint has no tensor '{name}'");
        var actual = file.Shape(name);
        if (!actual.SequenceEqual(shape))
            throw new BadInputException($"{path}: tensor '{name}' has shape [{string.Join(',', actual)}], expected [{string.Join(',', shape)}]");
    }
}
