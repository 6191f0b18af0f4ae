using System.Text.Json;
using SimdSfnn.IO.Imaging;

namespace SimdSfnn.Cli.Pictures;

/// `firing-rates.png`: per controlled layer, the median and the 10%-90% quantiles of its units'
/// firing rates at the end of each epoch, read from the run's `log.jsonl`, against the target:
/// whether the control brought the units to the rate asked for shows at a glance.
internal static class FiringRatePicture
{
    public const string FileName = "firing-rates.png";

    public static void Draw(string logPath, string pngPath, double target)
    {
        var series = new SortedDictionary<int, (List<double> Epoch, List<double> P10, List<double> Median, List<double> P90)>();
        // the run's own writer has the log open; it shares it for reading
        using (var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
            for (string? line; (line = reader.ReadLine()) is not null;)
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (!root.TryGetProperty("firingRates", out var layers)) continue;
                double epoch = root.GetProperty("epoch").GetDouble();
                foreach (var layer in layers.EnumerateArray())
                {
                    int k = layer.GetProperty("layer").GetInt32();
                    if (!series.TryGetValue(k, out var s)) series[k] = s = ([], [], [], []);
                    s.Epoch.Add(epoch);
                    s.P10.Add(layer.GetProperty("p10").GetDouble());
                    s.Median.Add(layer.GetProperty("median").GetDouble());
                    s.P90.Add(layer.GetProperty("p90").GetDouble());
                }
            }
        if (series.Count == 0) return;
        var plot = new LinePlot($"firing rates under the bias control (target {target:0.###})", "epoch", "fraction of rows a unit is non-zero");
        foreach (var (k, s) in series)
        {
            plot.Add($"layer {k} median", s.Epoch, s.Median);
            plot.Add($"layer {k} 10%", s.Epoch, s.P10);
            plot.Add($"layer {k} 90%", s.Epoch, s.P90);
        }
        var epochs = series.Values.SelectMany(s => s.Epoch).ToArray();
        plot.Add("target", [epochs.Min(), epochs.Max()], [target, target]);
        plot.Save(pngPath);
    }
}
