using System.Globalization;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Checkpoints;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// A training run's state as a safetensors file: `layers.{l}.weight` (n_{l+1}, n_l) and
/// `layers.{l}.bias` (n_{l+1}) load directly into PyTorch; `optimizer.velocity` and the
/// metadata (the run's settings and the epochs done) let `--resume` continue the run.
public sealed record Checkpoint(RunSettings Settings, Parameters Theta, float[]? Velocity, int EpochsDone)
{
    public const string FileName = "checkpoint.safetensors";

    public void Save(string path)
    {
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        var shape = Theta.Shape;
        for (int l = 0; l < shape.LayerCount; l++)
        {
            tensors.Add(($"layers.{l}.weight", [shape.Sizes[l + 1], shape.Sizes[l]], Theta.Data.AsMemory(Offset(l, weight: true), shape.WeightCount(l))));
            tensors.Add(($"layers.{l}.bias", [shape.Sizes[l + 1]], Theta.Data.AsMemory(Offset(l, weight: false), shape.Sizes[l + 1])));
        }
        if (Velocity is not null) tensors.Add(("optimizer.velocity", [Velocity.Length], Velocity));
        var metadata = Settings.ToMetadata();
        metadata["format"] = "simdsfnn-1";
        metadata["head"] = shape.Head.ToString().ToLowerInvariant();
        metadata["sizes"] = shape.ToString();
        metadata["epochsDone"] = EpochsDone.ToString(CultureInfo.InvariantCulture);
        Safetensors.Write(path, tensors, metadata);
    }

    int Offset(int layer, bool weight)
    {
        int offset = 0;
        for (int l = 0; l < layer; l++) offset += Theta.Shape.WeightCount(l) + Theta.Shape.Sizes[l + 1];
        return weight ? offset : offset + Theta.Shape.WeightCount(layer);
    }

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
        var theta = new Parameters(new NetworkShape(sizes, head));
        var checkpoint = new Checkpoint(settings, theta, null, 0);
        for (int l = 0; l < theta.Shape.LayerCount; l++)
        {
            Copy(file, path, $"layers.{l}.weight", [sizes[l + 1], sizes[l]], theta.W(l));
            Copy(file, path, $"layers.{l}.bias", [sizes[l + 1]], theta.Bias(l));
        }
        float[]? velocity = null;
        if (file.Names.Contains("optimizer.velocity"))
        {
            velocity = new float[theta.Data.Length];
            Copy(file, path, "optimizer.velocity", [velocity.Length], velocity);
        }
        if (!meta.TryGetValue("epochsDone", out var doneText) || !int.TryParse(doneText, CultureInfo.InvariantCulture, out int done) || done < 0)
            throw new BadInputException($"{path}: checkpoint metadata 'epochsDone' is missing or invalid");
        return checkpoint with { Velocity = velocity, EpochsDone = done };
    }

    static void Copy(SafetensorsFile file, string path, string name, int[] shape, Span<float> destination)
    {
        if (!file.Names.Contains(name)) throw new BadInputException($"{path}: checkpoint has no tensor '{name}'");
        var actual = file.Shape(name);
        if (!actual.SequenceEqual(shape))
            throw new BadInputException($"{path}: tensor '{name}' has shape [{string.Join(',', actual)}], expected [{string.Join(',', shape)}]");
        file.Tensor(name).AsSpan().CopyTo(destination);
    }
}
