using System.Buffers.Binary;
using System.IO.Compression;

namespace SimdSfnn.Property.IO;

/// A minimal PNG reader written apart from `Png`, with its own bit-at-a-time CRC, so a round
/// trip checks the file format and not the encoder against itself. It accepts only what the
/// encoder promises (8-bit grey or RGB, no interlace, filter type 0) and throws on anything else.
internal static class PngDecoder
{
    public sealed record Image(int Width, int Height, int ColorType, byte[] Samples);

    public static Image Decode(byte[] file)
    {
        byte[] signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!file.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("bad signature");
        var chunks = new List<(string Type, byte[] Data)>();
        for (int at = 8; at < file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            if (length < 0 || at + 12 + length > file.Length) throw new InvalidDataException($"chunk at {at} overruns the file");
            var typeAndData = file.AsSpan(at + 4, 4 + length);
            if (BitwiseCrc(typeAndData) != BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + length)))
                throw new InvalidDataException($"CRC mismatch in chunk at {at}");
            chunks.Add((System.Text.Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + length;
        }
        if (chunks.Count < 3 || chunks[0].Type != "IHDR" || chunks[^1] is not ("IEND", { Length: 0 }))
            throw new InvalidDataException("chunks must run IHDR ... IEND");

        var header = chunks[0].Data;
        if (header.Length != 13) throw new InvalidDataException("IHDR must hold 13 bytes");
        int width = BinaryPrimitives.ReadInt32BigEndian(header), height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int colorType = header[9];
        if (width < 1 || height < 1 || header[8] != 8 || colorType is not (0 or 2) || header[10] != 0 || header[11] != 0 || header[12] != 0)
            throw new InvalidDataException("unsupported IHDR");

        var compressed = new MemoryStream();
        foreach (var (type, data) in chunks) if (type == "IDAT") compressed.Write(data);
        compressed.Position = 0;
        var raw = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress)) zlib.CopyTo(raw);

        int rowBytes = width * (colorType == 2 ? 3 : 1);
        var scanlines = raw.ToArray();
        if (scanlines.Length != height * (rowBytes + 1)) throw new InvalidDataException($"{scanlines.Length} bytes of scanlines");
        var samples = new byte[height * rowBytes];
        for (int y = 0; y < height; y++)
        {
            if (scanlines[y * (rowBytes + 1)] != 0) throw new InvalidDataException($"row {y} has filter type {scanlines[y * (rowBytes + 1)]}");
            Array.Copy(scanlines, y * (rowBytes + 1) + 1, samples, y * rowBytes, rowBytes);
        }
        return new(width, height, colorType, samples);
    }

    /// Bit by bit from the definition (reflected polynomial 0xEDB88320), unlike the table in `Crc32`.
    public static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
