using System.Drawing;
using ScottPlot;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// A line chart for training and evaluation curves, drawn by ScottPlot: each series a 2 px line
/// with point markers in its own colour, ticks at round numbers, grid lines, a title, axis
/// labels and a legend. Points that are not finite (a diverged run's NaN) are left out and break
/// the line there. PNG, or SVG where the path ends in `.svg`.
internal sealed class LinePlot(string title, string xLabel, string yLabel)
{
    internal const int MinWidth = 200, MinHeight = 150;

    /// matplotlib's default colour cycle ("tab10"): ten hues that stay apart on white.
    internal static readonly Rgb[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    readonly List<(string Name, double[] X, double[] Y)> series = [];

    /// Copies the values: the caller may go on appending to its lists while training.
    public LinePlot Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) SfnnThrow.Argument($"series {name}: {x.Count} x values but {y.Count} y values", nameof(y));
        series.Add((name, [.. x], [.. y]));
        return this;
    }

    public void Save(string path, int width = 800, int height = 500)
    {
        var plot = Build(width, height);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            AtomicFile.WriteAllText(path, plot.GetSvgXml(width, height));
        else
            AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }

    /// The chart as pixels, and the plot area (inside the axes, where the series are drawn) with
    /// the map from data coordinates to pixels.
    internal (Raster Canvas, Rectangle Area, Func<double, double, Point> ToPixel) Draw(int width, int height)
    {
        var plot = Build(width, height);
        var canvas = PlotPixels.Render(plot, width, height);
        var data = plot.RenderManager.LastRender.DataRect;
        var area = Rectangle.FromLTRB((int)Math.Ceiling(data.Left), (int)Math.Ceiling(data.Top), (int)Math.Floor(data.Right), (int)Math.Floor(data.Bottom));
        return (canvas, area, (x, y) =>
        {
            var p = plot.GetPixel(new Coordinates(x, y));
            return new Point((int)Math.Round(p.X), (int)Math.Round(p.Y));
        });
    }

    Plot Build(int width, int height)
    {
        if (width < MinWidth || height < MinHeight)
            SfnnThrow.Argument($"a plot needs at least {MinWidth}x{MinHeight} pixels, got {width}x{height}");
        var plot = new Plot();
        plot.Font.Set(PlotPixels.SansSerif);
        for (int s = 0; s < series.Count; s++)
        {
            var (name, xs, ys) = series[s];
            var rgb = Palette[s % Palette.Length];
            var color = new ScottPlot.Color(rgb.R, rgb.G, rgb.B);
            bool named = false;
            // one scatter per run of finite points, so a NaN breaks the line and the axes ignore it
            for (int start = 0; start < xs.Length;)
            {
                while (start < xs.Length && !Finite(xs, ys, start)) start++;
                int end = start;
                while (end < xs.Length && Finite(xs, ys, end)) end++;
                if (end > start)
                {
                    var line = plot.Add.Scatter(xs[start..end], ys[start..end], color);
                    line.LineWidth = 2;
                    line.MarkerSize = 5;
                    if (!named) line.LegendText = name;
                    named = true;
                }
                start = end;
            }
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Exists(s => s.Name.Length > 0)) plot.ShowLegend();
        return plot;
    }

    static bool Finite(double[] xs, double[] ys, int i) => double.IsFinite(xs[i]) && double.IsFinite(ys[i]);
}
