using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;
using Xunit.Abstractions;

namespace SimdSfnn.Property.Lab;

/// Fact 9: with one sample, Bengio's baseline (2013, eq. (7): `E[(h - s)^2 C] / E[(h - s)^2]`
/// per unit) minimises the variance of G1 on each hidden bias over all constants; with `M > 1`
/// the minimiser is `E[N^2 C_M] / E[N^2]`, `N = sum_m (h^(m) - s^(m))`, and eq. (7) is near it.
public sealed class BengioBaselineTests(ITestOutputHelper output)
{
    /// Var[G1] on the bias of every hidden unit, with the baseline of each unit given.
    static double[] BiasVariances(TinyCase tiny, int M, IReadOnlyList<double> baseline)
    {
        var net = tiny.Network;
        var variance = ExactEnumeration.Compute(net, M, null, baseline).Variance(EstimatorKind.G1);
        var result = new List<double>();
        for (int l = 0; l < net.HiddenLayers; l++)
            for (int j = 0; j < net.Shape.Sizes[l + 1]; j++) result.Add(variance[net.BiasOffset(l) + j]);
        return result.ToArray();
    }

    [Fact]
    public void With_one_sample_Bengio_baseline_gives_the_least_G1_variance() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var exact = ExactEnumeration.Compute(tiny.Network, samples: 1);
            Close.All(exact.OptimalBaseline, exact.BengioBaseline, 1e-9, "M = 1: eq. (7) vs the minimiser");
            var best = BiasVariances(tiny, 1, exact.BengioBaseline);
            var random = new Random(tiny.Seed);
            for (int trial = 0; trial < 4; trial++)
            {
                var other = exact.BengioBaseline.Select(b => b + (random.NextDouble() * 2 - 1) * Math.Pow(10, -trial)).ToArray();
                var variance = BiasVariances(tiny, 1, other);
                for (int u = 0; u < best.Length; u++)
                    Assert.True(best[u] <= variance[u] * (1 + 1e-12) + 1e-15, $"unit {u}: {best[u]} with eq. (7), {variance[u]} with {other[u]}");
            }
            return true;
        }).Check(Seeded.Config(40, 101UL));

    [Fact]
    public void With_several_samples_the_minimiser_beats_eq7_and_the_gap_is_reported()
    {
        double largestGap = 0, largestExcess = 0;
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            int M = Math.Max(2, tiny.Samples);
            if (M * tiny.Network.HiddenUnits > 12) M = 12 / tiny.Network.HiddenUnits;
            if (M < 2) return true;
            var exact = ExactEnumeration.Compute(tiny.Network, M);
            var atOptimum = BiasVariances(tiny, M, exact.OptimalBaseline);
            var atEq7 = BiasVariances(tiny, M, exact.BengioBaseline);
            for (int u = 0; u < atOptimum.Length; u++)
            {
                Assert.True(atOptimum[u] <= atEq7[u] * (1 + 1e-12) + 1e-15, $"unit {u}: the minimiser gives {atOptimum[u]}, eq. (7) {atEq7[u]}");
                largestGap = Math.Max(largestGap, Math.Abs(exact.OptimalBaseline[u] - exact.BengioBaseline[u]));
                if (atOptimum[u] > 0) largestExcess = Math.Max(largestExcess, atEq7[u] / atOptimum[u] - 1);
            }
            return true;
        }).Check(Seeded.Config(40, 102UL));
        output.WriteLine($"M > 1: eq. (7) is at most {largestGap:G3} nats from the variance-minimising baseline; its G1 bias variance is at most {100 * largestExcess:F2}% above the minimum");
    }
}
