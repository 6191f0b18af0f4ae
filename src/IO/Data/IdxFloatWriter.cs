using System.Buffers.Binary;

namespace SimdSfnn.IO.Data;

/// Writes floats as an IDX file (LeCun's format, as MNIST's files): magic `0x00 0x00 0x0D d`
/// (element type 0x0D, 32-bit float; d dimensions), then each dimension as a big-endian int32,
/// then the values big-endian, the last dimension fastest. Written atomically (`AtomicFile`).
internal static class IdxFloatWriter
{
    public const byte FloatType = 0x0D;

    public static void Write(string path, ReadOnlySpan<float> values, params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length is < 1 or > 255 || dimensions.Any(d => d < 0))
            throw new ArgumentException($"an IDX file has 1 to 255 non-negative dimensions, got [{string.Join(',', dimensions)}]", nameof(dimensions));
        long count = dimensions.Aggregate(1L, (product, d) => product * d);
        if (count != values.Length) throw new ArgumentException($"dimensions [{string.Join(',', dimensions)}] hold {count} values, not {values.Length}", nameof(values));
        var bytes = new byte[4 + 4 * dimensions.Length + 4L * values.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, FloatType << 8 | dimensions.Length);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        var body = bytes.AsSpan(4 + 4 * dimensions.Length);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleBigEndian(body[(4 * i)..], values[i]);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
