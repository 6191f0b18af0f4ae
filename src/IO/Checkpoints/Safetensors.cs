using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Checkpoints;

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
/// JSON header `{"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets"}, ...}` padded
/// with spaces to a multiple of 8, then the tensors' little-endian bytes. F32 holds the
/// parameters and F64 what must round-trip a double exactly (the input mean).
internal static class Safetensors
{
    const long MaxHeader = 100 << 20;

    /// Written through `AtomicFile`, so a reader (or a crash) only ever sees the old file or the
    /// complete new one.
    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors,
                             IReadOnlyDictionary<string, string> metadata, Action? beforeRename = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors needs a little-endian machine");
        var header = Header(tensors, metadata);
        AtomicFile.Write(path, file =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, header.Length);
            file.Write(length);
            file.Write(header);
            foreach (var tensor in tensors) file.Write(tensor.Bytes);
        }, beforeRename);
    }

    static byte[] Header(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, shape, dtype, bytes) in tensors)
            {
                if (shape.Aggregate(1L, (p, d) => p * d) * ElementSize(dtype) != bytes.Length)
                    throw new ArgumentException($"tensor {name}: shape [{string.Join(',', shape)}] does not hold {bytes.Length} bytes of {dtype}");
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (int d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    /// Reads and validates a whole file; every problem is a one-line `BadInputException`.
    public static SafetensorsFile Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such file");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new BadInputException($"{path}: truncated safetensors file ({bytes.Length} bytes)");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeader || 8 + headerLength > bytes.Length)
            throw new BadInputException($"{path}: header length {headerLength} does not fit the {bytes.Length}-byte file");
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;
        // JsonDocument defers UTF-8 checks of names and strings to when they are read, and
        // then throws InvalidOperationException; refuse such a header up front instead.
        if (!System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(8, (int)headerLength)))
            throw new BadInputException($"{path}: header is not valid UTF-8");
        JsonDocument document;
        try { document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)); }
        catch (JsonException e) { throw new BadInputException($"{path}: header is not valid JSON ({e.Message.Split('\n')[0]})"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new BadInputException($"{path}: header is not a JSON object");
            var metadata = new Dictionary<string, string>();
            var tensors = new Dictionary<string, (int[] Shape, float[]? F32, double[]? F64)>();
            var spans = new List<(long Begin, long End, string Name)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw new BadInputException($"{path}: __metadata__ is not an object");
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                            : throw new BadInputException($"{path}: metadata '{m.Name}' is not a string");
                    continue;
                }
                var (shape, dtype, begin, end) = Entry(path, property);
                spans.Add((begin, end, property.Name));
                if (end > dataLength) throw new BadInputException($"{path}: tensor '{property.Name}' ends at byte {end} of a {dataLength}-byte data area (truncated?)");
                var raw = bytes.AsSpan(dataStart + (int)begin, (int)(end - begin));
                double[]? f64 = dtype == "F64" ? MemoryMarshal.Cast<byte, double>(raw).ToArray() : null;
                float[]? f32 = f64 is null ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : null;
                int bad = f32 is not null ? Array.FindIndex(f32, v => !float.IsFinite(v)) : Array.FindIndex(f64!, v => !double.IsFinite(v));
                if (bad >= 0)
                {
                    double v = f32 is not null ? f32[bad] : f64![bad];
                    throw new BadInputException($"{path}: tensor '{property.Name}' holds {(double.IsNaN(v) ? "NaN" : v > 0 ? "+infinity" : "-infinity")} at index {bad}");
                }
                tensors[property.Name] = (shape, f32, f64);
            }
            spans.Sort();
            long covered = 0;
            foreach (var (begin, end, name) in spans)
            {
                if (begin != covered) throw new BadInputException($"{path}: tensor '{name}' starts at byte {begin}, expected {covered} (overlap or gap)");
                covered = end;
            }
            if (covered != dataLength) throw new BadInputException($"{path}: {dataLength - covered} bytes after the last tensor");
            return new SafetensorsFile(metadata, tensors);
        }
    }

    static int ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        _ => throw new ArgumentException($"dtype {dtype} is not written here"),
    };

    static (int[] Shape, string DType, long Begin, long End) Entry(string path, JsonProperty property)
    {
        string where = $"{path}: tensor '{property.Name}'";
        var e = property.Value;
        if (e.ValueKind != JsonValueKind.Object) throw new BadInputException($"{where} is not an object");
        if (!e.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String || dtypeJson.GetString() is not ("F32" or "F64"))
            throw new BadInputException($"{where} has dtype {(e.TryGetProperty("dtype", out var d) ? d.ToString() : "(none)")}; only F32 and F64 are supported");
        string dtype = dtypeJson.GetString()!;
        int size = ElementSize(dtype);
        if (!e.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            throw new BadInputException($"{where} has no shape");
        var shape = new int[shapeJson.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (var dim in shapeJson.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out shape[k]) || shape[k] < 0)
                throw new BadInputException($"{where} has an invalid shape {shapeJson}");
            count *= shape[k++];
            if (count > int.MaxValue) throw new BadInputException($"{where} is too large");
        }
        if (!e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new BadInputException($"{where} has invalid data_offsets");
        if (end - begin != size * count)
            throw new BadInputException($"{where}: shape [{string.Join(',', shape)}] needs {size * count} bytes but data_offsets span {end - begin}");
        return (shape, dtype, begin, end);
    }
}

/// One tensor to write: its name, shape, dtype (`F32`, `F64`) and little-endian bytes.
internal readonly record struct SafetensorsTensor(string Name, int[] Shape, string DType, byte[] Bytes)
{
    public static SafetensorsTensor F32(string name, int[] shape, ReadOnlySpan<float> data) => new(name, shape, "F32", MemoryMarshal.AsBytes(data).ToArray());
    public static SafetensorsTensor F64(string name, int[] shape, ReadOnlySpan<double> data) => new(name, shape, "F64", MemoryMarshal.AsBytes(data).ToArray());
}

/// A validated safetensors file: its metadata and its F32 and F64 tensors.
internal sealed class SafetensorsFile(IReadOnlyDictionary<string, string> metadata, Dictionary<string, (int[] Shape, float[]? F32, double[]? F64)> tensors)
{
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;
    public IReadOnlyList<string> Names { get; } = tensors.Keys.ToArray();
    public int[] Shape(string name) => tensors[name].Shape;
    public string DType(string name) => tensors[name].F32 is null ? "F64" : "F32";
    /// An F32 tensor's values (call `DType` first: an F64 tensor throws).
    public float[] Tensor(string name) => tensors[name].F32 ?? throw new InvalidOperationException($"tensor '{name}' is F64");
    /// An F64 tensor's values (an F32 tensor throws).
    public double[] TensorF64(string name) => tensors[name].F64 ?? throw new InvalidOperationException($"tensor '{name}' is F32");
}
