using System.Buffers.Binary;

namespace SimdSfnn.IO.Data;

/// `Count` rows of `Width` values, row-major (an IDX file's first dimension, and the product of
/// the others).
internal sealed record FloatRows(int Count, int Width, float[] Values);

/// IDX files of unsigned bytes (type 0x08, read as `byte / 255`, so MNIST's images land in
/// [0, 1]) or of big-endian 32-bit floats (type 0x0D, LeCun's IDX type code for float), with
/// any number of dimensions, plain or gzip-compressed. The GSN sampler writes its chains of
/// real-valued mean-field images with `Write`, and the Parzen estimator reads them with
/// `ReadRows`. The magic is 0x00, 0x00, the type byte, the number of dimensions; then each
/// dimension as a big-endian int32; then the values.
internal static class IdxFloats
{
    const byte UnsignedByte = 0x08, Float = 0x0D;
    const int MaxDimensions = 8;

    public static FloatRows ReadRows(string path)
    {
        var bytes = IdxFile.ReadAll(path);
        if (bytes.Length < 4) throw new BadInputException($"{path}: not an IDX file ({bytes.Length} bytes, shorter than its magic number)");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new BadInputException($"{path}: not an IDX file (magic number 0x{BinaryPrimitives.ReadInt32BigEndian(bytes):X8} does not start with two zero bytes)");
        byte type = bytes[2];
        int dimensions = bytes[3];
        if (type != UnsignedByte && type != Float)
            throw new BadInputException($"{path}: IDX element type 0x{type:X2} is not supported; only unsigned bytes (0x08) and floats (0x0D)");
        if (dimensions < 1 || dimensions > MaxDimensions)
            throw new BadInputException($"{path}: an IDX file of {dimensions} dimensions; expected 1 to {MaxDimensions}");
        int header = 4 + 4 * dimensions;
        if (bytes.Length < header) throw new BadInputException($"{path}: truncated IDX header ({bytes.Length} bytes)");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0) throw new BadInputException($"{path}: negative item count {count}");
        long width = 1;
        for (int i = 1; i < dimensions; i++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (size < 1) throw new BadInputException($"{path}: dimension {i} has size {size}");
            width *= size;
            if (width > int.MaxValue) throw new BadInputException($"{path}: rows of more than {int.MaxValue} values");
        }
        int elementSize = type == Float ? 4 : 1;
        long length = (long)count * width; // at most 2^62
        // a count that promises more values than the file has bytes is refused before the
        // product below could overflow
        long expected = length > bytes.Length ? long.MaxValue : header + length * elementSize;
        if (expected == long.MaxValue)
            throw new BadInputException($"{path}: truncated: {bytes.Length} bytes, the header promises {count} rows of {width}");
        IdxFile.CheckLength(path, bytes.Length, expected);
        var values = new float[length];
        var data = bytes.AsSpan(header);
        if (type == UnsignedByte)
            for (int i = 0; i < values.Length; i++) values[i] = data[i] / 255f;
        else
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleBigEndian(data.Slice(4 * i));
                if (!float.IsFinite(values[i]))
                    throw new BadInputException($"{path}: value {i % width} of row {i / width} is {values[i]}, not a finite number");
            }
        return new FloatRows(count, (int)width, values);
    }

    /// Writes `values` as an IDX file of floats (type 0x0D) with the given dimensions (their
    /// product is `values.Length`; e.g. 10000, 28, 28 for a chain of MNIST-sized samples),
    /// atomically: a reader sees the old file or the whole new one.
    public static void Write(string path, ReadOnlySpan<float> values, params ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Length < 1 || dimensions.Length > MaxDimensions)
            throw new ArgumentException($"an IDX file has 1 to {MaxDimensions} dimensions, not {dimensions.Length}", nameof(dimensions));
        long product = 1;
        foreach (int size in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size, nameof(dimensions));
            product *= size;
        }
        if (product != values.Length)
            throw new ArgumentException($"dimensions of {product} values for {values.Length} values", nameof(dimensions));
        int header = 4 + 4 * dimensions.Length;
        var bytes = new byte[header + 4L * values.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, Float << 8 | dimensions.Length);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(header + 4 * i), values[i]);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
