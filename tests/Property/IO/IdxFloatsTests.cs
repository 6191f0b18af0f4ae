using System.Buffers.Binary;
using SimdSfnn.IO;
using SimdSfnn.IO.Data;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.IO;

/// IDX files of floats (type 0x0D) round-trip bit for bit; IDX files of bytes read as byte / 255;
/// anything else is one refusal naming the file.
public sealed class IdxFloatsTests
{
    [Fact]
    public void Floats_round_trip_bit_for_bit()
    {
        var random = new Random(9);
        var values = Enumerable.Range(0, 3 * 4 * 5).Select(_ => (float)(random.NextDouble() * 2 - 1) * 1e3f).ToArray();
        values[7] = -0f;
        values[8] = float.Epsilon;
        string path = Path.Combine(TempDir.Create("idx"), "chain.idx");
        IdxFloats.Write(path, values, 3, 4, 5);
        var rows = IdxFloats.ReadRows(path);
        Assert.Equal(3, rows.Count);
        Assert.Equal(20, rows.Width);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), rows.Values.Select(BitConverter.SingleToInt32Bits));
        // the header: 0x00000D03, then 3, 4, 5 big-endian
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0x0D03, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal(16 + 4 * 60, bytes.Length);
    }

    [Fact]
    public void Bytes_read_as_byte_over_255()
    {
        string path = Path.Combine(TempDir.Create("idx"), "images");
        File.WriteAllBytes(path, SyntheticIdx.Images(2, 1, 3, [0, 51, 255, 1, 2, 3]));
        var rows = IdxFloats.ReadRows(path);
        Assert.Equal((2, 3), (rows.Count, rows.Width));
        Assert.Equal([0f, 0.2f, 1f, 1 / 255f, 2 / 255f, 3 / 255f], rows.Values);
    }

    [Fact]
    public void One_dimension_gives_rows_of_one()
    {
        string path = Path.Combine(TempDir.Create("idx"), "vector");
        IdxFloats.Write(path, [1.5f, 2.5f], 2);
        Assert.Equal((2, 1), (IdxFloats.ReadRows(path).Count, IdxFloats.ReadRows(path).Width));
    }

    public static TheoryData<string, byte[]> Damaged => new()
    {
        { "not an IDX", "hello, world\n"u8.ToArray() },
        { "shorter than its magic", [0, 0] },
        { "type 0x0C", [0, 0, 0x0C, 1, 0, 0, 0, 0] },
        { "dimensions", [0, 0, 0x0D, 0] },
        { "truncated", [0, 0, 0x0D, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0] },
        { "unexpected bytes", [0, 0, 0x08, 1, 0, 0, 0, 1, 7, 8] },
        { "negative", [0, 0, 0x08, 1, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "not a finite number", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x7F, 0xC0, 0, 0] },
    };

    [Theory, MemberData(nameof(Damaged))]
    public void Damaged_files_are_refused_naming_the_file(string problem, byte[] bytes)
    {
        string path = Path.Combine(TempDir.Create("idx"), "bad.idx");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<BadInputException>(() => IdxFloats.ReadRows(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(problem, e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
