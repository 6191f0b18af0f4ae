using System.Text.Json;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;
using SimdSfnn.IO;
using SimdSfnn.Nn.Units;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Lab;

/// The `lab` command's input (spec/estimators.md, "The `lab` command's JSON"), read and
/// validated field by field: every refusal is a `BadInputException` naming the field.
internal sealed record LabSpec(
    ExactNetwork Network, int Samples, EstimatorKind Estimator, double? C, double Baseline, long? Draws, ulong Seed)
{
    /// `"units": "sts"`: every hidden layer is stochastic-times-smooth and the estimator is its
    /// own back-propagation with `b` held (`"estimator": "pathwise"`); `Estimator` is then unused.
    public bool Sts { get; init; }

    const int MaxWidth = 4096;
    static readonly string[] Required = ["layers", "output", "weights", "biases", "x", "y", "samples", "estimator"];
    static readonly string[] Optional = ["c", "baseline", "draws", "seed", "units"];

    /// Reads and validates the spec file at `path`.
    public static LabSpec Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new BadInputException($"lab: cannot read spec '{path}': {e.Message}");
        }
        try { return Parse(text); }
        catch (BadInputException e) { throw new BadInputException($"{path}: {e.Message}"); }
    }

    /// Validates the JSON text of a spec.
    public static LabSpec Parse(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new BadInputException($"lab spec is not valid JSON: {e.Message}"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad("(root)", "must be a JSON object");
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!Required.Contains(property.Name) && !Optional.Contains(property.Name))
                    throw Bad(property.Name, $"is not a known field (known: {string.Join(", ", Required.Concat(Optional))})");
                if (!fields.TryAdd(property.Name, property.Value)) throw Bad(property.Name, "is given twice");
            }
            foreach (var name in Required)
                if (!fields.ContainsKey(name)) throw Bad(name, "is missing");
            return Read(fields);
        }
    }

    static LabSpec Read(Dictionary<string, JsonElement> fields)
    {
        var sizes = IntArray(fields["layers"], "layers");
        if (sizes.Length < 3) throw Bad("layers", "needs the input, at least one hidden layer and the output");
        if (sizes[0] < 0) throw Bad("layers[0]", "must not be negative");
        for (int l = 1; l < sizes.Length; l++)
            if (sizes[l] < 1) throw Bad($"layers[{l}]", "must be at least 1");
        for (int l = 0; l < sizes.Length; l++)
            if (sizes[l] > MaxWidth) throw Bad($"layers[{l}]", $"must be at most {MaxWidth} for a network small enough to enumerate");
        long H = sizes[1..^1].Sum(n => (long)n);
        if (H > ExactEnumeration.MaxBits) throw Bad("layers", $"has {H} hidden units; enumeration needs H*M <= {ExactEnumeration.MaxBits}");

        var head = String(fields["output"], "output") switch
        {
            "softmax" => OutputHead.Softmax,
            "bernoulli" => OutputHead.Bernoulli,
            var other => throw Bad("output", $"must be \"softmax\" or \"bernoulli\", got \"{other}\""),
        };
        bool sts = fields.TryGetValue("units", out var unitsElement) && String(unitsElement, "units") switch
        {
            "sts" => true,
            "bernoulli" => false,
            var other => throw Bad("units", $"must be \"bernoulli\" or \"sts\" (the units the lab can enumerate), got \"{other}\""),
        };
        var shape = sts
            ? new NetworkShape(sizes, head, sizes[1..^1].Select(_ => (IHiddenUnit)new StsUnit()).ToArray())
            : new NetworkShape(sizes, head);

        var theta = new double[shape.ParameterCount];
        var weights = Array(fields["weights"], "weights", shape.LayerCount);
        var biases = Array(fields["biases"], "biases", shape.LayerCount);
        int offset = 0;
        for (int l = 0; l < shape.LayerCount; l++)
        {
            offset += Numbers(weights[l], $"weights[{l}]", shape.WeightCount(l), theta.AsSpan(offset));
            offset += Numbers(biases[l], $"biases[{l}]", sizes[l + 1], theta.AsSpan(offset));
        }
        var x = new double[shape.Inputs];
        Numbers(fields["x"], "x", shape.Inputs, x);

        int label = 0;
        double[]? target = null;
        if (head == OutputHead.Softmax)
        {
            label = Int(fields["y"], "y");
            if (label < 0 || label >= shape.Outputs) throw Bad("y", $"must be a class index from 0 to {shape.Outputs - 1}, got {label}");
        }
        else
        {
            target = new double[shape.Outputs];
            Numbers(fields["y"], "y", shape.Outputs, target);
            for (int j = 0; j < target.Length; j++)
                if (target[j] != 0 && target[j] != 1) throw Bad($"y[{j}]", $"must be 0 or 1, got {target[j]}");
        }

        int samples = Int(fields["samples"], "samples");
        if (samples < 1) throw Bad("samples", $"must be at least 1, got {samples}");
        if (H * samples > ExactEnumeration.MaxBits)
            throw Bad("samples", $"gives H*M = {H}*{samples} = {H * samples}; enumeration is limited to H*M <= {ExactEnumeration.MaxBits}");

        string name = String(fields["estimator"], "estimator");
        var estimator = EstimatorKind.G3;
        if (sts && name != "pathwise")
            throw Bad("estimator", $"must be \"pathwise\" with STS units (they back-propagate themselves), got \"{name}\"");
        if (!sts && !EstimatorRegistry.TryParse(name, out estimator))
            throw Bad("estimator", $"must be one of {string.Join(", ", EstimatorRegistry.Names)}, got \"{name}\"");

        double? c = fields.TryGetValue("c", out var cElement) ? Number(cElement, "c") : null;
        double baseline = fields.TryGetValue("baseline", out var baselineElement) ? Number(baselineElement, "baseline") : 0;
        long? draws = null;
        if (fields.TryGetValue("draws", out var drawsElement))
        {
            if (drawsElement.ValueKind != JsonValueKind.Number || !drawsElement.TryGetInt64(out long n)) throw Bad("draws", "must be an integer");
            if (n < 1) throw Bad("draws", $"must be at least 1, got {n}");
            draws = n;
        }
        ulong seed = 1;
        if (fields.TryGetValue("seed", out var seedElement) &&
            (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetUInt64(out seed)))
            throw Bad("seed", "must be a non-negative integer");

        return new LabSpec(new ExactNetwork(shape, theta, x, label, target), samples, estimator, c, baseline, draws, seed) { Sts = sts };
    }

    static BadInputException Bad(string field, string problem) => new($"lab spec: field '{field}' {problem}");

    static JsonElement[] Array(JsonElement element, string field, int length)
    {
        if (element.ValueKind != JsonValueKind.Array) throw Bad(field, "must be an array");
        if (element.GetArrayLength() != length) throw Bad(field, $"must have {length} entries to match 'layers', has {element.GetArrayLength()}");
        return element.EnumerateArray().ToArray();
    }

    /// Reads an array of exactly `length` finite numbers into `destination`; returns `length`.
    static int Numbers(JsonElement element, string field, int length, Span<double> destination)
    {
        var items = Array(element, field, length);
        for (int i = 0; i < length; i++) destination[i] = Number(items[i], $"{field}[{i}]");
        return length;
    }

    static double Number(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
            throw Bad(field, "must be a finite number");
        return value;
    }

    static int Int(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int value)) throw Bad(field, "must be an integer");
        return value;
    }

    static int[] IntArray(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Array) throw Bad(field, "must be an array of integers");
        return element.EnumerateArray().Select((item, i) => Int(item, $"{field}[{i}]")).ToArray();
    }

    static string String(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Bad(field, "must be a string");
}
