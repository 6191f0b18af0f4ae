using ScottPlot;
using SkiaSharp;

namespace SimdSfnn.IO.Imaging;

/// A ScottPlot chart as plain pixels, for the tests that check where things are drawn, and the
/// font every chart uses.
internal static class PlotPixels
{
    /// DejaVu Sans where it is installed (most Linux machines): ScottPlot's own pick there is a serif.
    public static readonly string SansSerif =
        SKFontManager.Default.MatchFamily("DejaVu Sans") is { FamilyName: "DejaVu Sans" } ? "DejaVu Sans" : Fonts.Sans;

    /// The chart rendered at `width` x `height`, as a `Raster`.
    public static Raster Render(Plot plot, int width, int height)
    {
        using var bitmap = SKBitmap.Decode(plot.GetImageBytes(width, height, ImageFormat.Png));
        var canvas = new Raster(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                canvas.SetPixel(x, y, new Rgb(c.Red, c.Green, c.Blue));
            }
        return canvas;
    }
}
