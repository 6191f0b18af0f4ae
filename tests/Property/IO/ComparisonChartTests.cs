using SimdSfnn.IO.Imaging;
using Xunit;

namespace SimdSfnn.Property.IO;

/// The chart of `sfnn reproduce`'s tables: a row per value, the measured marker and its bar
/// only where there is a measurement, and a bar that widens with the spread.
public sealed class ComparisonChartTests
{
    static readonly Rgb Measured = LinePlot.Palette[0];

    static int MeasuredPixels(ComparisonChart chart)
    {
        var pixels = chart.Render(1000);
        int count = 0;
        for (int i = 0; i < pixels.Length; i += 3)
            if (pixels[i] == Measured.R && pixels[i + 1] == Measured.G && pixels[i + 2] == Measured.B) count++;
        return count;
    }

    static ComparisonChart Chart(double mean, double spread) =>
        new ComparisonChart("t", "x", "paper", "ours").Add("a", 1, mean, spread).Add("b", 3, 2, 0);

    [Fact]
    public void Each_row_adds_height_and_the_image_has_that_many_pixels()
    {
        var one = new ComparisonChart("t", "x", "paper", "ours").Add("a", 1, 2, 0);
        var two = new ComparisonChart("t", "x", "paper", "ours").Add("a", 1, 2, 0).Add("b", 1, 2, 0);

        Assert.True(two.Height(1000) > one.Height(1000));
        Assert.Equal(3 * 1000 * two.Height(1000), two.Render(1000).Length);
    }

    [Fact]
    public void A_row_without_a_measurement_draws_no_marker_and_a_spread_draws_a_bar()
    {
        int none = MeasuredPixels(Chart(double.NaN, 0)), point = MeasuredPixels(Chart(2, 0)), bar = MeasuredPixels(Chart(2, 0.5));

        Assert.True(point > none, $"{point} measured pixels with a mean, {none} without");
        Assert.True(bar > point, $"{bar} measured pixels with a spread, {point} without");
    }
}
