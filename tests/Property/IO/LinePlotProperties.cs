using System.Drawing;
using SimdSfnn.IO.Imaging;

namespace SimdSfnn.Property.IO;

/// The series land where their data says, in their own colours, inside the axes; the title is
/// drawn above; the axes cover the finite data; bad input is refused.
public sealed class LinePlotProperties
{
    static readonly double[] Xs = [.. Enumerable.Range(0, 21).Select(i => (double)i)];

    static Rgb Pixel(Raster canvas, int x, int y) => canvas[x, y];

    /// True where the colour is within one pixel of (x, y): the 2 px pen and rounding.
    static bool Near(Raster canvas, int x, int y, Rgb color)
    {
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                if (Pixel(canvas, x + dx, y + dy) == color) return true;
        return false;
    }

    [Fact]
    public void Series_points_are_drawn_in_their_colours_inside_the_axes()
    {
        double[] rising = [.. Xs.Select(x => x * x)], falling = [.. Xs.Select(x => 400 - 10 * x)];
        var (canvas, area, toPixel) = new LinePlot("t", "epoch", "loss").Add("square", Xs, rising).Add("line", Xs, falling).Draw(800, 500);

        for (int i = 0; i < Xs.Length; i++)
        {
            var r = toPixel(Xs[i], rising[i]);
            var f = toPixel(Xs[i], falling[i]);
            Assert.True(area.Contains(r) && area.Contains(f), $"point {i} at {r} / {f} outside the plot area {area}");
            Assert.True(Near(canvas, r.X, r.Y, LinePlot.Palette[0]), $"rising point {i}");
            Assert.True(Near(canvas, f.X, f.Y, LinePlot.Palette[1]), $"falling point {i}");
        }
        Assert.NotEqual(LinePlot.Palette[0], LinePlot.Palette[1]);
        // lines and markers are at least 2 px across; the text's subpixel fringes, which may hit
        // a series colour exactly, are single pixels
        for (int y = 0; y + 1 < canvas.Height; y++)
            for (int x = 0; x + 1 < canvas.Width; x++)
            {
                var c = Pixel(canvas, x, y);
                if (Array.IndexOf(LinePlot.Palette, c) >= 0 && Pixel(canvas, x + 1, y) == c && Pixel(canvas, x, y + 1) == c && Pixel(canvas, x + 1, y + 1) == c)
                    Assert.True(area.Contains(x, y), $"series colour at ({x}, {y}) outside the plot area {area}");
            }
    }

    [Fact]
    public void Non_finite_points_are_left_out_and_the_axes_cover_the_rest()
    {
        var (canvas, area, toPixel) = new LinePlot("", "", "").Add("a", [0, 1, 2, 3], [1, double.NaN, 3, double.PositiveInfinity]).Draw(400, 300);
        foreach (var (x, y) in new[] { (0.0, 1.0), (2.0, 3.0) })
        {
            var p = toPixel(x, y);
            Assert.True(area.Contains(p), $"({x}, {y}) at {p} outside the plot area {area}");
            Assert.True(Near(canvas, p.X, p.Y, LinePlot.Palette[0]), $"({x}, {y})");
        }
        // the axes are set by the finite points: 1..3 fills most of the height
        Assert.True(toPixel(0, 1).Y - toPixel(2, 3).Y > area.Height / 2, $"{toPixel(0, 1)} {toPixel(2, 3)} {area}");
    }

    [Fact]
    public void Title_is_drawn_centred_above_the_axes()
    {
        static List<int> DarkColumnsAbove(string title)
        {
            var (canvas, area, _) = new LinePlot(title, "x", "y").Add("a", [0, 1], [0, 1]).Draw(800, 500);
            var columns = new List<int>();
            for (int y = 0; y < area.Top - 1; y++)
                for (int x = area.Left; x < area.Right; x++)
                    if (Pixel(canvas, x, y).R < 100) columns.Add(x);
            return columns;
        }
        Assert.Empty(DarkColumnsAbove(""));
        var dark = DarkColumnsAbove("Test log-likelihood");
        Assert.True(dark.Count > 100, $"{dark.Count} title pixels");
        Assert.InRange(dark.Average(), 350, 500);
    }

    [Fact]
    public void A_path_ending_in_svg_gets_an_svg_with_the_title_and_png_otherwise()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"sfnn-plot-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            var plot = new LinePlot("Held-out error", "epoch", "error").Add("G3", [1, 2, 3], [0.03, 0.02, 0.018]);
            plot.Save(Path.Combine(directory, "curve.svg"));
            plot.Save(Path.Combine(directory, "curve.png"));
            string svg = File.ReadAllText(Path.Combine(directory, "curve.svg"));
            Assert.Contains("<svg", svg, StringComparison.Ordinal);
            Assert.Contains("Held-out error", svg, StringComparison.Ordinal);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(directory, "curve.png"))[..4]);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new LinePlot("t", "x", "y").Add("a", [1, 2], [1]));
        Assert.Throws<ArgumentException>(() => new LinePlot("t", "x", "y").Draw(LinePlot.MinWidth - 1, 500));
        Assert.Throws<ArgumentException>(() => new LinePlot("t", "x", "y").Draw(800, 0));
    }
}
