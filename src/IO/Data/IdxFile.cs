using System.Buffers.Binary;
using System.IO.Compression;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Data;

/// `Count` images of `Rows` x `Columns` bytes, row-major, one after another. `Pixels` views the
/// file's own buffer past its header: a copy would add 47 MB to MNIST's peak memory.
public sealed record IdxImages(int Count, int Rows, int Columns, ReadOnlyMemory<byte> Pixels);

/// Reader of the IDX format of LeCun's MNIST files (unsigned bytes: magic 0x803 for images,
/// 0x801 for labels; big-endian dimensions), plain or gzip-compressed.
public static class IdxFile
{
    const int ImagesMagic = 0x00000803, LabelsMagic = 0x00000801;
    const long MaxBytes = 1L << 31; // one byte[]

    public static IdxImages ReadImages(string path)
    {
        var bytes = ReadAll(path);
        int count = Header(bytes, path, ImagesMagic, "images", dimensions: 3);
        int rows = Dimension(bytes, 1), columns = Dimension(bytes, 2);
        if (rows < 1 || columns < 1 || rows > 4096 || columns > 4096)
            throw new BadInputException($"{path}: image size {rows}x{columns} is not plausible");
        long expected = 16 + (long)count * rows * columns;
        CheckLength(path, bytes.Length, expected);
        return new IdxImages(count, rows, columns, bytes.AsMemory(16));
    }

    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        int count = Header(bytes, path, LabelsMagic, "labels", dimensions: 1);
        CheckLength(path, bytes.Length, 8L + count);
        return bytes.AsSpan(8).ToArray();
    }

    static int Header(byte[] bytes, string path, int magic, string what, int dimensions)
    {
        if (bytes.Length < 4 + 4 * dimensions)
            throw new BadInputException($"{path}: truncated IDX header ({bytes.Length} bytes)");
        int actual = BinaryPrimitives.ReadInt32BigEndian(bytes);
        // The magic is 0x0000, a type byte, a dimension count; name the part that is wrong.
        if ((actual & ~0xFFFF) == 0 && actual >> 8 != 0x08 && (actual & 0xFF) == dimensions)
            throw new BadInputException($"{path}: IDX element type 0x{actual >> 8:X2} is not supported; only unsigned bytes (0x08)");
        if (actual != magic)
            throw new BadInputException($"{path}: wrong magic number 0x{actual:X8} for IDX {what} (expected 0x{magic:X8})");
        int count = Dimension(bytes, 0);
        if (count < 0) throw new BadInputException($"{path}: negative item count {count}");
        return count;
    }

    static int Dimension(byte[] bytes, int index) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * index));

    /// Refuses a file shorter or longer than its header says (`IdxFloats` checks with it too).
    internal static void CheckLength(string path, long actual, long expected)
    {
        if (actual < expected) throw new BadInputException($"{path}: truncated: {actual} bytes, the header promises {expected}");
        if (actual > expected) throw new BadInputException($"{path}: {actual - expected} unexpected bytes after the data the header describes");
    }

    /// The file's bytes, inflated if it starts with the gzip magic 1f 8b (`IdxFloats` reads
    /// through it too).
    internal static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such file");
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            try
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                using var buffer = new MemoryStream();
                var chunk = new byte[1 << 16];
                int n;
                while ((n = gzip.Read(chunk)) > 0)
                {
                    if (buffer.Length + n > MaxBytes) throw new BadInputException($"{path}: inflates to more than 2 GiB");
                    buffer.Write(chunk, 0, n);
                }
                return buffer.ToArray();
            }
            catch (InvalidDataException e) { throw new BadInputException($"{path}: corrupt gzip data ({e.Message})"); }
        }
        if (file.Length > MaxBytes) throw new BadInputException($"{path}: larger than 2 GiB");
        return File.ReadAllBytes(path);
    }
}
