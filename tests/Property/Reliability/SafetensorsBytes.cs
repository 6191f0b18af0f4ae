using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;

namespace SimdSfnn.Property.Reliability;

/// Edits a safetensors file's bytes the way a damaged or hand-made file would differ: its JSON
/// header (re-encoded with a correct length) or the float values of one tensor in place.
public static class SafetensorsBytes
{
    public static JsonObject Header(byte[] file)
    {
        long length = BinaryPrimitives.ReadInt64LittleEndian(file);
        return JsonNode.Parse(Encoding.UTF8.GetString(file, 8, (int)length))!.AsObject();
    }

    public static byte[] WithHeader(byte[] file, Action<JsonObject> edit)
    {
        long oldLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        var header = Header(file);
        edit(header);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var result = new byte[8 + json.Length + (file.Length - 8 - oldLength)];
        BinaryPrimitives.WriteInt64LittleEndian(result, json.Length);
        json.CopyTo(result, 8);
        file.AsSpan(8 + (int)oldLength).CopyTo(result.AsSpan(8 + json.Length));
        return result;
    }

    /// The float values of tensor `name`, as a writable view into `file`.
    public static Span<float> Tensor(byte[] file, string name)
    {
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        var offsets = Header(file)[name]!["data_offsets"]!.AsArray();
        int begin = (int)offsets[0]!.GetValue<long>(), end = (int)offsets[1]!.GetValue<long>();
        return MemoryMarshal.Cast<byte, float>(file.AsSpan(8 + (int)headerLength + begin, end - begin));
    }
}
