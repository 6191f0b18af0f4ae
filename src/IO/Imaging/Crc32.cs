namespace SimdSfnn.IO.Imaging;

/// CRC-32 as PNG uses it (ISO 3309 / ITU-T V.42; PNG specification, Annex D): reflected
/// polynomial 0xEDB88320, register preset to all ones and inverted at the end. One table lookup
/// per byte; images here are small, so the slice-by-8 variants are not worth their size.
internal static class Crc32
{
    public const uint Start = 0xFFFFFFFF;

    static readonly uint[] Table = CreateTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// Continues a running register, so a chunk's type and data need not be copied together.
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    public static uint Finish(uint crc) => ~crc;

    static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
