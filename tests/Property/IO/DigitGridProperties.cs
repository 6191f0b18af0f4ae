using SimdSfnn.IO.Imaging;

namespace SimdSfnn.Property.IO;

/// Each cell pixel lands in its own scale x scale block, dark for ink, with 1 px grey gaps
/// around cells, red marks on the right pixel row, labels in margins; bad sizes are refused.
public sealed class DigitGridProperties
{
    static PngDecoder.Image Saved(DigitGrid grid, int scale)
    {
        string folder = Directory.CreateTempSubdirectory("sfnn-grid-").FullName;
        try
        {
            string path = Path.Combine(folder, "grid.png");
            grid.Save(path, scale);
            return PngDecoder.Decode(File.ReadAllBytes(path));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    static (byte R, byte G, byte B) At(PngDecoder.Image image, int x, int y)
    {
        int i = 3 * (y * image.Width + x);
        return (image.Samples[i], image.Samples[i + 1], image.Samples[i + 2]);
    }

    [Fact]
    public void Cell_pixels_land_in_scaled_blocks_between_gaps()
    {
        // 2x3 cells of 4 wide by 5 tall at scale 3: each cell is 12x15 px plus a 1 px gap
        var grid = new DigitGrid(2, 3, cellWidth: 4, cellHeight: 5);
        var cell = new float[20];
        cell[1 * 4 + 3] = 1;   // pixel (x 3, y 1)
        cell[0] = 0.5f;
        grid.Set(1, 2, cell);
        grid.Mark(0, 1, 2);
        var image = Saved(grid, 3);

        Assert.Equal((2, 40, 33), (image.ColorType, image.Width, image.Height));
        int x0 = 1 + 2 * 13, y0 = 1 + 1 * 16;
        for (int dy = 0; dy < 3; dy++)
            for (int dx = 0; dx < 3; dx++)
            {
                Assert.Equal(((byte)0, (byte)0, (byte)0), At(image, x0 + 9 + dx, y0 + 3 + dy));
                Assert.InRange(At(image, x0 + dx, y0 + dy).R, 127, 128);
            }
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(image, x0 + 6, y0 + 3));
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(image, x0 + 9, y0 + 2));
        var gap = At(image, x0 - 1, y0 + 4);
        Assert.NotEqual((byte)255, gap.R);
        Assert.NotEqual((byte)0, gap.R);

        // the mark in cell (0, 1) runs along the top of its pixel row 2, and only there
        int markY = 1 + 2 * 3, markX = 1 + 13;
        for (int x = markX; x < markX + 12; x++) Assert.True(At(image, x, markY) is { R: > 150, G: < 100 }, $"mark at x {x}");
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(image, markX, markY - 1));
        Assert.Equal(((byte)255, (byte)255, (byte)255), At(image, markX, markY + 1));
    }

    [Fact]
    public void Labels_get_margins_with_ink_in_them()
    {
        var plain = Saved(new DigitGrid(2, 2, 4, 4), 2);
        var grid = new DigitGrid(2, 2, 4, 4);
        grid.SetRowLabel(1, "data");
        grid.SetColumnLabel(0, "G3");
        var labelled = Saved(grid, 2);
        Assert.True(labelled.Width > plain.Width + 20 && labelled.Height > plain.Height + 5, $"{labelled.Width}x{labelled.Height}");

        int left = labelled.Width - plain.Width, top = labelled.Height - plain.Height, dark = 0;
        for (int y = 0; y < labelled.Height; y++)
            for (int x = 0; x < labelled.Width; x++)
                if ((x < left || y < top) && At(labelled, x, y).R < 100) dark++;
        Assert.True(dark > 20, $"{dark} label pixels");
    }

    [Fact]
    public void Bad_sizes_and_positions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new DigitGrid(0, 1));
        Assert.Throws<ArgumentException>(() => new DigitGrid(1, 0));
        Assert.Throws<ArgumentException>(() => new DigitGrid(1, 1, 0, 28));
        Assert.Throws<ArgumentException>(() => new DigitGrid(1, 1, 28, -1));
        var grid = new DigitGrid(2, 2, 3, 3);
        Assert.Throws<ArgumentException>(() => grid.Set(0, 0, new float[8]));
        Assert.Throws<ArgumentException>(() => grid.Set(2, 0, new float[9]));
        Assert.Throws<ArgumentException>(() => grid.Set(0, -1, new float[9]));
        Assert.Throws<ArgumentException>(() => grid.Mark(0, 0, 3));
        Assert.Throws<ArgumentException>(() => grid.SetRowLabel(2, "x"));
        Assert.Throws<ArgumentException>(() => grid.SetColumnLabel(2, "x"));
        Assert.Throws<ArgumentException>(() => grid.Save(Path.Combine(Path.GetTempPath(), "never.png"), 0));
    }
}
