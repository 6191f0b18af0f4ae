using System.IO.Hashing;
using System.Buffers.Binary;
using System.IO.Compression;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// PNG files (W3C PNG specification, 3rd edition) with 8-bit samples, no interlacing and filter
/// type 0 on every row: the smallest encoder a viewer accepts. Our images are plots and digit
/// grids of a few hundred kilobytes at most, where better filters would save little.
///
/// Variants:
///   Gray: colour type 0, one byte per pixel.
///   Rgb:  colour type 2, three bytes per pixel (R, G, B).
internal static class Png
{
    static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// `pixels[y * width + x]` is the grey level of pixel (x, y); 0 is black, 255 white.
    public static void WriteGray(string path, int width, int height, ReadOnlySpan<byte> pixels) =>
        AtomicFile.WriteAllBytes(path, EncodeGray(width, height, pixels));

    /// `rgb[3 * (y * width + x) + c]` is channel c (R, G, B) of pixel (x, y).
    public static void WriteRgb(string path, int width, int height, ReadOnlySpan<byte> rgb) =>
        AtomicFile.WriteAllBytes(path, EncodeRgb(width, height, rgb));

    public static byte[] EncodeGray(int width, int height, ReadOnlySpan<byte> pixels) => Encode(width, height, pixels, colorType: 0, channels: 1);

    public static byte[] EncodeRgb(int width, int height, ReadOnlySpan<byte> rgb) => Encode(width, height, rgb, colorType: 2, channels: 3);

    static byte[] Encode(int width, int height, ReadOnlySpan<byte> samples, byte colorType, int channels)
    {
        if (width < 1 || height < 1) SfnnThrow.Argument($"a PNG needs at least 1x1 pixels, got {width}x{height}");
        long rowBytes = (long)width * channels;
        if (samples.Length != rowBytes * height)
            SfnnThrow.Argument($"{width}x{height} pixels with {channels} bytes each need {rowBytes * height} bytes, got {samples.Length}", nameof(samples));

        using var file = new MemoryStream();
        file.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bit depth; bytes 10..12 (compression, filter method, interlace) stay 0
        header[9] = colorType;
        WriteChunk(file, "IHDR"u8, header);
        WriteChunk(file, "IDAT"u8, Deflate(samples, (int)rowBytes));
        WriteChunk(file, "IEND"u8, []);
        return file.ToArray();
    }

    /// Each scanline is its filter-type byte (0: none) followed by its samples, all in one zlib stream.
    static byte[] Deflate(ReadOnlySpan<byte> samples, int rowBytes)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int offset = 0; offset < samples.Length; offset += rowBytes)
            {
                zlib.WriteByte(0);
                zlib.Write(samples.Slice(offset, rowBytes));
            }
        }
        return compressed.ToArray();
    }

    /// Length, type, data, then the CRC of type and data (not of the length).
    static void WriteChunk(Stream file, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        file.Write(type);
        file.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        file.Write(word);
    }
}
