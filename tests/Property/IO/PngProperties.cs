using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.IO.Imaging;

namespace SimdSfnn.Property.IO;

/// PNG output decoded by an independent reader gives back exactly the pixels written, for
/// random sizes including 1x1 and odd widths; files are replaced whole; bad sizes are refused.
public sealed class PngProperties
{
    static Gen<(int Width, int Height, int Seed)> Sizes =>
        from width in Gen.Choose(1, 67)
        from height in Gen.Choose(1, 41)
        from seed in Gen.Choose(0, int.MaxValue)
        select (width, height, seed);

    static byte[] Noise(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Crc32_of_the_check_string_is_the_published_value()
    {
        // the decoder's bitwise CRC checks System.IO.Hashing's, which the encoder uses
        Assert.Equal(0xCBF43926u, PngDecoder.BitwiseCrc("123456789"u8));
        Assert.Equal(0xCBF43926u, System.IO.Hashing.Crc32.HashToUInt32("123456789"u8));
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, 2)]
    [InlineData(7, 1, 0)]
    [InlineData(1, 9, 2)]
    public void Edge_sizes_round_trip(int width, int height, int colorType) => RoundTrips(width, height, colorType, seed: width * 31 + height);

    [Fact]
    public void Random_sizes_round_trip() =>
        Prop.ForAll(Sizes.ToArbitrary(), t => RoundTrips(t.Width, t.Height, 0, t.Seed) && RoundTrips(t.Width, t.Height, 2, t.Seed))
            .Check(Seeded.Config(80, 20260501UL));

    static bool RoundTrips(int width, int height, int colorType, int seed)
    {
        var samples = Noise(width * height * (colorType == 2 ? 3 : 1), seed);
        var file = colorType == 2 ? Png.EncodeRgb(width, height, samples) : Png.EncodeGray(width, height, samples);
        var image = PngDecoder.Decode(file);
        Assert.Equal((width, height, colorType), (image.Width, image.Height, image.ColorType));
        Assert.Equal(samples, image.Samples);
        return true;
    }

    [Fact]
    public void Decoder_notices_a_flipped_byte()
    {
        var file = Png.EncodeGray(5, 3, Noise(15, 1));
        file[^20] ^= 1; // inside IDAT's data
        Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(file));
    }

    [Fact]
    public void Write_replaces_the_file_whole_and_leaves_no_temporary()
    {
        string folder = Directory.CreateTempSubdirectory("sfnn-png-").FullName;
        try
        {
            string path = Path.Combine(folder, "a.png");
            File.WriteAllText(path, "an older, longer file that must disappear entirely");
            var rgb = Noise(3 * 4 * 2, 7);
            Png.WriteRgb(path, 4, 2, rgb);
            Assert.Equal(Png.EncodeRgb(4, 2, rgb), File.ReadAllBytes(path));
            var gray = Noise(3, 8);
            Png.WriteGray(path, 3, 1, gray);
            Assert.Equal(gray, PngDecoder.Decode(File.ReadAllBytes(path)).Samples);
            Assert.Equal(["a.png"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(1, 0, 0)]
    [InlineData(-2, -3, 6)]
    [InlineData(2, 2, 3)]
    [InlineData(2, 2, 5)]
    public void Bad_sizes_are_refused(int width, int height, int length)
    {
        Assert.Throws<ArgumentException>(() => Png.EncodeGray(width, height, new byte[length]));
        Assert.Throws<ArgumentException>(() => Png.EncodeRgb(width, height, new byte[length * 3]));
    }
}
