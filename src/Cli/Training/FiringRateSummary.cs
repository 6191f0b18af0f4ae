using System.Text.Json.Nodes;
using SimdSfnn.Nn.Units;

namespace SimdSfnn.Cli.Training;

/// How one layer's firing-rate control stands: the 10%, 50% and 90% quantiles of its units'
/// moving-average rates, so a log line shows both the typical unit and the stragglers.
internal sealed record FiringRateSummary(int Layer, double P10, double Median, double P90)
{
    /// One summary per layer that has a control (`Layer` counts hidden layers from 1).
    public static IReadOnlyList<FiringRateSummary> Of(IReadOnlyList<FiringRateControl?> controls) =>
        controls.Select((c, k) => c is null ? null : new FiringRateSummary(k + 1, c.RateQuantile(0.1), c.RateQuantile(0.5), c.RateQuantile(0.9)))
                .OfType<FiringRateSummary>().ToArray();

    public JsonObject ToJson() => new() { ["layer"] = Layer, ["p10"] = P10, ["median"] = Median, ["p90"] = P90 };
}
