using System.Drawing;
using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.IO.Imaging;

namespace SimdSfnn.Property.IO;

/// The series land where their data says, in their own colours, inside the axes; the title is
/// drawn above; ticks sit at round numbers that cover the data; bad input is refused.
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
        var (canvas, area) = new LinePlot("t", "epoch", "loss").Add("square", Xs, rising).Add("line", Xs, falling).Draw(800, 500);

        // x runs 0..20 and y 0..400, the round numbers around the data
        int X(double x) => area.Left + (int)Math.Round(x / 20 * (area.Width - 1));
        int Y(double y) => area.Bottom - 1 - (int)Math.Round(y / 400 * (area.Height - 1));
        for (int i = 0; i < Xs.Length; i++)
        {
            Assert.True(Near(canvas, X(Xs[i]), Y(rising[i]), LinePlot.Palette[0]), $"rising point {i}");
            Assert.True(Near(canvas, X(Xs[i]), Y(falling[i]), LinePlot.Palette[1]), $"falling point {i}");
        }
        Assert.NotEqual(LinePlot.Palette[0], LinePlot.Palette[1]);
        for (int y = 0; y < canvas.Height; y++)
            for (int x = 0; x < canvas.Width; x++)
                if (Array.IndexOf(LinePlot.Palette, Pixel(canvas, x, y)) >= 0)
                    Assert.True(area.Contains(x, y), $"series colour at ({x}, {y}) outside the plot area {area}");
    }

    [Fact]
    public void Non_finite_points_are_left_out_of_the_axes()
    {
        var (canvas, area) = new LinePlot("", "", "").Add("a", [0, 1, 2], [1, double.NaN, 3]).Draw(400, 300);
        // y runs 1..3 without the NaN, so the last point sits in the top-right corner
        Assert.True(Near(canvas, area.Right - 1, area.Top, LinePlot.Palette[0]));
        Assert.True(Near(canvas, area.Left, area.Bottom - 1, LinePlot.Palette[0]));
    }

    [Fact]
    public void Title_is_drawn_centred_above_the_axes()
    {
        static List<int> DarkColumnsAbove(string title)
        {
            var (canvas, area) = new LinePlot(title, "x", "y").Add("a", [0, 1], [0, 1]).Draw(800, 500);
            var columns = new List<int>();
            for (int y = 0; y < area.Top - 1; y++)
                for (int x = area.Left; x < area.Right; x++) // the top y tick label reaches up left of this
                    if (Pixel(canvas, x, y).R < 100) columns.Add(x);
            return columns;
        }
        Assert.Empty(DarkColumnsAbove(""));
        var dark = DarkColumnsAbove("Test log-likelihood");
        Assert.True(dark.Count > 100, $"{dark.Count} title pixels");
        Assert.InRange(dark.Average(), 350, 500);
    }

    [Fact]
    public void Ticks_are_round_and_cover_the_data() =>
        Prop.ForAll(Gen.Choose(-9, 9).Zip(Gen.Choose(1, 1_000_000)).Zip(Gen.Choose(0, 1_000_000)).ToArbitrary(), t =>
        {
            var ((exponent, a), b) = t;
            double scale = Math.Pow(10, exponent), min = (a - 500_000) * scale / 1e5, max = min + b * scale / 1e5;
            var ticks = AxisTicks.For(min, max, 6);
            double mantissa = ticks.Step / Math.Pow(10, Math.Floor(Math.Log10(ticks.Step) + 1e-9));
            Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
            Assert.True(ticks.Low <= min + 1e-9 * Math.Abs(min) && ticks.High >= max - 1e-9 * Math.Abs(max), $"{ticks} for {min}..{max}");
            Assert.InRange(ticks.Count, 2, 13);
            var labels = Enumerable.Range(0, ticks.Count).Select(ticks.Label).ToList();
            Assert.Equal(labels.Count, labels.Distinct().Count());
            return true;
        }).Check(Seeded.Config(300, 424242UL));

    [Fact]
    public void Tick_labels_read_as_round_numbers()
    {
        var ticks = AxisTicks.For(-0.13, 0.87, 6);
        Assert.Equal(["-0.2", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], Enumerable.Range(0, ticks.Count).Select(ticks.Label));
        ticks = AxisTicks.For(-104.2, -87.5, 6);
        Assert.Equal(["-105", "-100", "-95", "-90", "-85"], Enumerable.Range(0, ticks.Count).Select(ticks.Label));
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new LinePlot("t", "x", "y").Add("a", [1, 2], [1]));
        Assert.Throws<ArgumentException>(() => new LinePlot("t", "x", "y").Render(LinePlot.MinWidth - 1, 500));
        Assert.Throws<ArgumentException>(() => new LinePlot("t", "x", "y").Render(800, 0));
    }
}
