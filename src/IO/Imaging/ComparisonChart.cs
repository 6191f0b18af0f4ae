using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// A dot chart of measured values against reference values, one labelled row each: the
/// reference as an open square, the measurement as a filled one with a horizontal bar of +- its
/// spread (its sd over seeds). Rows run top to bottom, so long labels stay readable; a
/// measurement that is not finite (no run yet) leaves its row with the reference alone.
public sealed class ComparisonChart(string title, string valueLabel, string referenceName, string measuredName)
{
    readonly List<(string Label, double Reference, double Mean, double Spread)> rows = [];

    public ComparisonChart Add(string label, double reference, double mean, double spread)
    {
        ArgumentNullException.ThrowIfNull(label);
        rows.Add((label, reference, mean, double.IsFinite(spread) ? spread : 0));
        return this;
    }

    public void Save(string path, int width = 1000) => Png.WriteRgb(path, width, Height(width), Render(width));

    /// `pixels[3 * (y * width + x) + c]`, channels R, G, B; as tall as the rows need.
    public byte[] Render(int width = 1000)
    {
        if (width < LinePlot.MinWidth) SfnnThrow.Argument($"a chart needs at least {LinePlot.MinWidth} pixels across, got {width}");
        int s = Scale(width), pad = 4 * s, tick = 2 * s, textHeight = Raster.TextHeight(s), height = Height(width);
        var canvas = new Raster(width, height);

        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (var (_, reference, mean, spread) in rows)
        {
            foreach (double v in new[] { reference, mean - spread, mean + spread })
                if (double.IsFinite(v)) (low, high) = (Math.Min(low, v), Math.Max(high, v));
        }
        var ticks = AxisTicks.For(low, high, Math.Clamp(width / 120, 3, 10));
        int labelWidth = rows.Count == 0 ? 0 : rows.Max(r => Raster.TextWidth(r.Label, s));
        int left = pad + labelWidth + 2 * pad, top = pad + Raster.TextHeight(s + 1) + 2 * pad + LegendHeight(s);
        int right = width - Math.Max(Raster.TextWidth(ticks.Label(ticks.Count - 1), s) / 2, pad) - pad;
        int bottom = height - (tick + pad + textHeight + pad + textHeight + pad);
        int X(double v) => left + (int)Math.Round((v - ticks.Low) / (ticks.High - ticks.Low) * (right - left - 1));

        for (int i = 0; i < ticks.Count; i++)
        {
            int x = X(ticks.Value(i));
            canvas.FillRect(x, top, 1, bottom - top, Rgb.GridLine);
            canvas.FillRect(x, bottom, 1, tick + 1, Rgb.Ink);
            string label = ticks.Label(i);
            canvas.Text(x - Raster.TextWidth(label, s) / 2, bottom + tick + pad, label, Rgb.Ink, s);
        }
        int rowHeight = RowHeight(s), marker = 3 * s;
        var measured = LinePlot.Palette[0];
        for (int r = 0; r < rows.Count; r++)
        {
            var (label, reference, mean, spread) = rows[r];
            int y = top + r * rowHeight + rowHeight / 2;
            canvas.Text(pad, y - textHeight / 2, label, Rgb.Ink, s);
            if (double.IsFinite(mean))
            {
                int x0 = X(mean - spread), x1 = X(mean + spread);
                canvas.FillRect(x0, y - s / 2, x1 - x0 + 1, Math.Max(1, s), measured);
                canvas.FillRect(x0, y - marker, Math.Max(1, s), 2 * marker + 1, measured);
                canvas.FillRect(x1, y - marker, Math.Max(1, s), 2 * marker + 1, measured);
                canvas.FillRect(X(mean) - marker, y - marker, 2 * marker + 1, 2 * marker + 1, measured);
            }
            if (double.IsFinite(reference)) OpenSquare(canvas, X(reference), y, marker, s);
        }
        canvas.Outline(left - 1, top - 1, right - left + 2, bottom - top + 2, Rgb.Ink);

        int titleScale = Raster.TextWidth(title, s + 1) <= width - 2 * pad ? s + 1 : s;
        canvas.Text(Math.Max(pad, (width - Raster.TextWidth(title, titleScale)) / 2), pad, title, Rgb.Black, titleScale);
        int legendY = pad + Raster.TextHeight(s + 1) + pad + LegendHeight(s) / 2, legendX = left;
        OpenSquare(canvas, legendX + marker, legendY, marker, s);
        canvas.Text(legendX + 2 * marker + 2 * pad, legendY - textHeight / 2, referenceName, Rgb.Ink, s);
        legendX += 2 * marker + 4 * pad + Raster.TextWidth(referenceName, s) + 4 * pad;
        canvas.FillRect(legendX, legendY - marker, 2 * marker + 1, 2 * marker + 1, measured);
        canvas.Text(legendX + 2 * marker + 2 * pad, legendY - textHeight / 2, measuredName, Rgb.Ink, s);
        canvas.Text(left + (right - left - Raster.TextWidth(valueLabel, s)) / 2, height - pad - textHeight, valueLabel, Rgb.Ink, s);
        return canvas.Pixels;
    }

    public int Height(int width)
    {
        int s = Scale(width);
        return 4 * s + Raster.TextHeight(s + 1) + 8 * s + LegendHeight(s) + Math.Max(rows.Count, 1) * RowHeight(s)
               + 2 * s + 3 * 4 * s + 2 * Raster.TextHeight(s);
    }

    static int Scale(int width) => Math.Max(1, width / 400);

    static int RowHeight(int s) => Raster.TextHeight(s) + 8 * s;

    static int LegendHeight(int s) => Raster.TextHeight(s) + 2 * s;

    static void OpenSquare(Raster canvas, int x, int y, int half, int s)
    {
        for (int k = 0; k < Math.Max(1, s); k++) canvas.Outline(x - half + k, y - half + k, 2 * (half - k) + 1, 2 * (half - k) + 1, Rgb.Black);
    }
}
