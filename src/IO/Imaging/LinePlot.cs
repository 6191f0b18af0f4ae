using System.Drawing;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// A line chart for training curves: series as 2 px lines in distinct colours, axes with ticks
/// at round numbers, light grid lines, a title, axis labels and a legend. Points that are not
/// finite (a diverged run's NaN) are left out and break the line there.
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

    public void Save(string path, int width = 800, int height = 500) => Png.WriteRgb(path, width, height, Render(width, height));

    /// `pixels[3 * (y * width + x) + c]`, channels R, G, B.
    public byte[] Render(int width = 800, int height = 500) => Draw(width, height).Canvas.Pixels;

    /// Also returns the plot area, the part inside the axes where the series are drawn.
    internal (Raster Canvas, Rectangle Area) Draw(int width, int height)
    {
        if (width < MinWidth || height < MinHeight)
            SfnnThrow.Argument($"a plot needs at least {MinWidth}x{MinHeight} pixels, got {width}x{height}");
        int s = Math.Max(1, Math.Min(width, height) / 250), pad = 4 * s, tick = 2 * s, textHeight = Raster.TextHeight(s);

        var (xTicks, yTicks) = Ticks(width);
        int yTickWidth = 0;
        for (int i = 0; i < yTicks.Count; i++) yTickWidth = Math.Max(yTickWidth, Raster.TextWidth(yTicks.Label(i), s));
        int left = pad + textHeight + pad + yTickWidth + tick + pad;
        int top = pad + Raster.TextHeight(s + 1) + 2 * pad;
        int bottom = height - (tick + pad + textHeight + pad + textHeight + pad);
        int right = width - Math.Max(Raster.TextWidth(xTicks.Label(xTicks.Count - 1), s) / 2, pad) - pad;
        var area = Rectangle.FromLTRB(left, top, right, bottom);
        var canvas = new Raster(width, height);

        int X(double x) => area.Left + (int)Math.Round((x - xTicks.Low) / (xTicks.High - xTicks.Low) * (area.Width - 1));
        int Y(double y) => area.Bottom - 1 - (int)Math.Round((y - yTicks.Low) / (yTicks.High - yTicks.Low) * (area.Height - 1));

        for (int i = 0; i < xTicks.Count; i++)
        {
            int x = X(xTicks.Value(i));
            canvas.FillRect(x, area.Top, 1, area.Height, Rgb.GridLine);
            canvas.FillRect(x, area.Bottom, 1, tick + 1, Rgb.Ink);
            string label = xTicks.Label(i);
            canvas.Text(x - Raster.TextWidth(label, s) / 2, area.Bottom + tick + pad, label, Rgb.Ink, s);
        }
        for (int i = 0; i < yTicks.Count; i++)
        {
            int y = Y(yTicks.Value(i));
            canvas.FillRect(area.Left, y, area.Width, 1, Rgb.GridLine);
            canvas.FillRect(area.Left - 1 - tick, y, tick + 1, 1, Rgb.Ink);
            string label = yTicks.Label(i);
            canvas.Text(area.Left - 1 - tick - pad - Raster.TextWidth(label, s), y - textHeight / 2, label, Rgb.Ink, s);
        }

        for (int k = 0; k < series.Count; k++) DrawSeries(canvas, series[k].X, series[k].Y, Palette[k % Palette.Length], X, Y);

        // the frame goes over the series, hiding where the 2 px pen overhangs the last row or column
        canvas.Outline(area.Left - 1, area.Top - 1, area.Width + 2, area.Height + 2, Rgb.Ink);

        // a long title drops to the tick font and then slides left, rather than running off the edge
        int titleScale = Raster.TextWidth(title, s + 1) <= width - 2 * pad ? s + 1 : s, titleWidth = Raster.TextWidth(title, titleScale);
        int titleX = Math.Max(pad, Math.Min(area.Left + (area.Width - titleWidth) / 2, width - pad - titleWidth));
        canvas.Text(titleX, pad, title, Rgb.Black, titleScale);
        canvas.Text(area.Left + (area.Width - Raster.TextWidth(xLabel, s)) / 2, height - pad - textHeight, xLabel, Rgb.Ink, s);
        canvas.TextUp(pad, area.Top + (area.Height - Raster.TextWidth(yLabel, s)) / 2, yLabel, Rgb.Ink, s);
        DrawLegend(canvas, area, s);
        return (canvas, area);
    }

    (AxisTicks X, AxisTicks Y) Ticks(int width)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = xMin, yMax = xMax;
        foreach (var (_, xs, ys) in series)
            for (int i = 0; i < xs.Length; i++)
                if (double.IsFinite(xs[i]) && double.IsFinite(ys[i]))
                {
                    xMin = Math.Min(xMin, xs[i]); xMax = Math.Max(xMax, xs[i]);
                    yMin = Math.Min(yMin, ys[i]); yMax = Math.Max(yMax, ys[i]);
                }
        // about one x tick per 120 px keeps labels like "-0.25" from touching
        return (AxisTicks.For(xMin, xMax, Math.Clamp(width / 120, 3, 10)), AxisTicks.For(yMin, yMax, 6));
    }

    static void DrawSeries(Raster canvas, double[] xs, double[] ys, Rgb color, Func<double, int> X, Func<double, int> Y)
    {
        bool previous = false;
        int px = 0, py = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) { previous = false; continue; }
            int x = X(xs[i]), y = Y(ys[i]);
            // a point without a finite neighbour before it still shows, as a dot
            if (previous) canvas.Line(px, py, x, y, color); else canvas.Line(x, y, x, y, color);
            (px, py, previous) = (x, y, true);
        }
    }

    /// In whichever inside corner of the plot covers the fewest series pixels, as matplotlib's
    /// "best" placement does, since learning curves rise or fall into different corners.
    void DrawLegend(Raster canvas, Rectangle area, int s)
    {
        if (series.Count == 0) return;
        int pad = 4 * s, swatch = 8 * s, line = Raster.TextHeight(s) + pad, textWidth = 0;
        foreach (var (name, _, _) in series) textWidth = Math.Max(textWidth, Raster.TextWidth(name, s));
        int width = pad + swatch + pad + textWidth + pad, height = pad + series.Count * line;
        Rectangle[] corners =
        [
            new(area.Right - width - pad, area.Top + pad, width, height),
            new(area.Left + pad, area.Top + pad, width, height),
            new(area.Right - width - pad, area.Bottom - height - pad, width, height),
            new(area.Left + pad, area.Bottom - height - pad, width, height),
        ];
        var box = corners.MinBy(c => SeriesPixels(canvas, c));
        canvas.FillRect(box.Left, box.Top, box.Width, box.Height, Rgb.White);
        canvas.Outline(box.Left, box.Top, box.Width, box.Height, Rgb.Gap);
        for (int k = 0; k < series.Count; k++)
        {
            int y = box.Top + pad + k * line;
            canvas.FillRect(box.Left + pad, y + Raster.TextHeight(s) / 2 - s, swatch, 2 * s, Palette[k % Palette.Length]);
            canvas.Text(box.Left + pad + swatch + pad, y, series[k].Name, Rgb.Ink, s);
        }
    }

    static int SeriesPixels(Raster canvas, Rectangle box)
    {
        int count = 0;
        for (int y = Math.Max(box.Top, 0); y < Math.Min(box.Bottom, canvas.Height); y++)
            for (int x = Math.Max(box.Left, 0); x < Math.Min(box.Right, canvas.Width); x++)
            {
                var pixel = canvas[x, y];
                if (pixel != Rgb.White && pixel != Rgb.GridLine) count++;
            }
        return count;
    }
}
