using System.Globalization;
using SimdSfnn.IO;
using SimdSfnn.IO.Checkpoints;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn.Gsn;

namespace SimdSfnn.Cli.Gsn;

/// A GSN run's state as a safetensors file, beside (not instead of) the feedforward nets'
/// `Checkpoint`: metadata `format` "simdsfnn-gsn-1" and `task` "gsn" tell them apart, so every
/// older checkpoint reads as before. Tensors: `gsn.weight.{k}` (n_k, n_{k-1}) for k = 1..K, the
/// tied weights (the downward map is their transpose), `gsn.bias.{k}` (n_k) for k = 0..K,
/// `optimizer.velocity`. Metadata: the run's settings, the epochs done, each epoch's training
/// and held-out loss, the steps of a run stopped mid-epoch, and the SHA-256 of the data's IDX
/// files. A run resumes bit for bit: the order and every draw derive from (seed, epoch, example).
internal sealed record GsnCheckpoint(GsnRunSettings Settings, GsnParameters Theta, float[] Velocity, int EpochsDone,
                                   double[] TrainLoss, double[] HeldOutLoss, string[] DataSha256)
{
    public const string FileName = "checkpoint.safetensors";
    public const string Format = "simdsfnn-gsn-1";
    const string Sha256Prefix = "sha256.";

    /// Steps of epoch `EpochsDone + 1` already taken (a run stopped mid-epoch by Ctrl-C); 0 at an
    /// epoch boundary.
    public int StepsDone { get; init; }
    /// The sum of those steps' walkback losses, so the epoch's line is the uninterrupted run's.
    public double EpochLossSum { get; init; }

    /// Whether the safetensors file at `path` holds a GSN (false for any other file, readable or not).
    public static bool Is(string path)
    {
        try { return File.Exists(path) && Safetensors.Read(path).Metadata.TryGetValue("format", out var f) && f == Format; }
        catch (BadInputException) { return false; }
    }

    public void Save(string path)
    {
        var shape = Theta.Shape;
        var tensors = new List<SafetensorsTensor>();
        for (int k = 1; k <= shape.HiddenLayers; k++)
            tensors.Add(SafetensorsTensor.F32($"gsn.weight.{k}", [shape.Sizes[k], shape.Sizes[k - 1]], Theta.W(k)));
        for (int k = 0; k <= shape.HiddenLayers; k++)
            tensors.Add(SafetensorsTensor.F32($"gsn.bias.{k}", [shape.Sizes[k]], Theta.Bias(k)));
        tensors.Add(SafetensorsTensor.F32("optimizer.velocity", [Velocity.Length], Velocity));
        var metadata = Settings.ToMetadata();
        metadata["format"] = Format;
        metadata["sizes"] = shape.ToString();
        metadata["units"] = "visible sigmoid, hidden tanh; tied weights: h_k from W_k h_{k-1} + W_{k+1}^T h_{k+1} + b_k";
        metadata["epochsDone"] = EpochsDone.ToString(CultureInfo.InvariantCulture);
        metadata["stepsDone"] = StepsDone.ToString(CultureInfo.InvariantCulture);
        metadata["epochLossSum"] = EpochLossSum.ToString("R", CultureInfo.InvariantCulture);
        metadata["trainLoss"] = string.Join(',', TrainLoss.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        metadata["heldOutLoss"] = string.Join(',', HeldOutLoss.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        for (int i = 0; i < DataSha256.Length; i++) metadata[Sha256Prefix + MnistFiles.Names[i]] = DataSha256[i];
        Safetensors.Write(path, tensors, metadata);
    }

    /// Reads and validates a GSN checkpoint; every problem is a one-line `BadInputException` naming the file.
    public static GsnCheckpoint Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such checkpoint");
        var file = Safetensors.Read(path);
        var meta = file.Metadata;
        if (!meta.TryGetValue("format", out var format) || format != Format) throw new BadInputException($"{path}: not a GSN checkpoint");
        var settings = GsnRunSettings.FromMetadata(meta, path);
        int visible = meta.TryGetValue("sizes", out var sizes) && int.TryParse(sizes.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out int v0) && v0 >= 1 ? v0
            : throw new BadInputException($"{path}: GSN checkpoint metadata 'sizes' is missing or not valid");
        var shape = new GsnShape([visible, .. settings.Layers]);
        if (sizes != shape.ToString()) throw new BadInputException($"{path}: GSN checkpoint metadata 'sizes' is '{sizes}', which disagrees with 'layers'");
        var theta = new GsnParameters(shape);
        for (int k = 1; k <= shape.HiddenLayers; k++) F32(file, path, $"gsn.weight.{k}", [shape.Sizes[k], shape.Sizes[k - 1]]).CopyTo(theta.W(k));
        for (int k = 0; k <= shape.HiddenLayers; k++) F32(file, path, $"gsn.bias.{k}", [shape.Sizes[k]]).CopyTo(theta.Bias(k));
        var velocity = F32(file, path, "optimizer.velocity", [theta.Data.Length]);
        int done = int.TryParse(meta.GetValueOrDefault("epochsDone"), NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d <= settings.Epochs ? d
            : throw new BadInputException($"{path}: GSN checkpoint metadata 'epochsDone' is missing or out of range");
        var sha256 = MnistFiles.Names.Select(n => meta.TryGetValue(Sha256Prefix + n, out var h) && h.Length == 64 && h.All(char.IsAsciiHexDigitLower) ? h
            : throw new BadInputException($"{path}: GSN checkpoint metadata '{Sha256Prefix}{n}' is missing or not a SHA-256")).ToArray();
        // checkpoints written before runs could stop mid-epoch hold whole epochs
        int steps = !meta.TryGetValue("stepsDone", out var stepsText) ? 0
            : int.TryParse(stepsText, NumberStyles.None, CultureInfo.InvariantCulture, out int st) && (st == 0 || done < settings.Epochs) ? st
            : throw new BadInputException($"{path}: GSN checkpoint metadata 'stepsDone' is '{stepsText}'");
        double lossSum = !meta.TryGetValue("epochLossSum", out var sumText) ? 0
            : double.TryParse(sumText, NumberStyles.Float, CultureInfo.InvariantCulture, out double sum) && double.IsFinite(sum) ? sum
            : throw new BadInputException($"{path}: GSN checkpoint metadata 'epochLossSum' is '{sumText}'");
        return new GsnCheckpoint(settings, theta, velocity, done, Losses(meta, path, "trainLoss", done), Losses(meta, path, "heldOutLoss", done), sha256)
        {
            StepsDone = steps, EpochLossSum = lossSum,
        };
    }

    static double[] Losses(IReadOnlyDictionary<string, string> meta, string path, string key, int epochs)
    {
        string text = meta.GetValueOrDefault(key) ?? "";
        var parts = text.Length == 0 ? [] : text.Split(',');
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new BadInputException($"{path}: GSN checkpoint metadata '{key}' is not a list of numbers");
        return values.Length == epochs ? values : throw new BadInputException($"{path}: GSN checkpoint metadata '{key}' holds {values.Length} epochs, not {epochs}");
    }

    static float[] F32(SafetensorsFile file, string path, string name, int[] shape)
    {
        if (!file.Names.Contains(name)) throw new BadInputException($"{path}: checkpoint has no tensor '{name}'");
        if (!file.Shape(name).SequenceEqual(shape))
            throw new BadInputException($"{path}: tensor '{name}' has shape [{string.Join(',', file.Shape(name))}], expected [{string.Join(',', shape)}]");
        return file.DType(name) == "F32" ? file.Tensor(name) : throw new BadInputException($"{path}: tensor '{name}' is {file.DType(name)}, expected F32");
    }
}
