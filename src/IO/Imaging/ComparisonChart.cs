using ScottPlot;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// A dot chart of measured values against reference values, one labelled row each, drawn by
/// ScottPlot: the reference as an open square, the measurement as a filled one with a horizontal
/// bar of +- its spread (its sd over seeds). Rows run top to bottom, so long labels stay
/// readable; a measurement that is not finite (no run yet) leaves its row with the reference alone.
internal sealed class ComparisonChart(string title, string valueLabel, string referenceName, string measuredName)
{
    readonly List<(string Label, double Reference, double Mean, double Spread)> rows = [];

    public ComparisonChart Add(string label, double reference, double mean, double spread)
    {
        ArgumentNullException.ThrowIfNull(label);
        rows.Add((label, reference, mean, double.IsFinite(spread) ? spread : 0));
        return this;
    }

    public void Save(string path, int width = 1000) =>
        AtomicFile.WriteAllBytes(path, Build(width).GetImageBytes(width, Height(width), ImageFormat.Png));

    /// `pixels[3 * (y * width + x) + c]`, channels R, G, B; as tall as the rows need.
    public byte[] Render(int width = 1000) => PlotPixels.Render(Build(width), width, Height(width)).Pixels;

    public int Height(int width) => 150 + 34 * Math.Max(rows.Count, 1);

    Plot Build(int width)
    {
        if (width < LinePlot.MinWidth) SfnnThrow.Argument($"a chart needs at least {LinePlot.MinWidth} pixels across, got {width}");
        var plot = new Plot();
        plot.Font.Set(PlotPixels.SansSerif);
        var measured = new Color(LinePlot.Palette[0].R, LinePlot.Palette[0].G, LinePlot.Palette[0].B);
        var labels = new ScottPlot.TickGenerators.NumericManual();
        var referenceX = new List<double>();
        var referenceY = new List<double>();
        var meanX = new List<double>();
        var meanY = new List<double>();
        for (int r = 0; r < rows.Count; r++)
        {
            var (label, reference, mean, spread) = rows[r];
            labels.AddMajor(r, label);
            if (double.IsFinite(reference)) { referenceX.Add(reference); referenceY.Add(r); }
            if (!double.IsFinite(mean)) continue;
            meanX.Add(mean);
            meanY.Add(r);
            if (spread > 0)
            {
                var bar = plot.Add.Line(mean - spread, r, mean + spread, r);
                bar.Color = measured;
                bar.LineWidth = 2;
                bar.MarkerSize = 0;
            }
        }
        Markers(plot, referenceX, referenceY, MarkerShape.OpenSquare, Colors.Black, referenceName);
        Markers(plot, meanX, meanY, MarkerShape.FilledSquare, measured, measuredName);
        plot.Axes.Left.TickGenerator = labels;
        plot.Axes.SetLimitsY(rows.Count - 0.5, -0.5); // the first row on top
        plot.Title(title);
        plot.XLabel(valueLabel);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    static void Markers(Plot plot, List<double> xs, List<double> ys, MarkerShape shape, Color color, string name)
    {
        var points = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        points.LineWidth = 0;
        points.MarkerShape = shape;
        points.MarkerSize = 11;
        points.LegendText = name;
    }
}
