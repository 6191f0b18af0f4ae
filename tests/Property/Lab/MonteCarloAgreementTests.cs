using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Cli.Lab;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Property.Lab;

/// Fact 7: the mean of `N` draws of the engine's fast (float, batched, SIMD) estimator agrees
/// with the enumerated `E[G]`: no value more than 6 standard errors `sqrt(Var[G] / N)` away,
/// and at most 1% of all values more than 4 away. Fixed seeds: the draws are the same on every run.
[Collection(nameof(KernelIsaCollection))] // kernels must not switch mid-run
public sealed class MonteCarloAgreementTests
{
    const int Draws = 20_000;
    // The fast path computes in float: each draw carries rounding of ~1e-7 relative to the
    // values (of size ~1-10), so a value with no variance may still differ by this much.
    const double FloatSlack = 1e-5;

    [Fact]
    public void Fast_path_mean_agrees_with_the_enumerated_expectation_for_every_estimator()
    {
        int values = 0, beyondFour = 0;
        Prop.ForAll(TinyNetworks.Cases(maxBits: 10), tiny =>
        {
            var net = tiny.Network;
            var exact = ExactEnumeration.Compute(net, tiny.Samples, tiny.C, tiny.Baseline);
            var x = net.X.Select(v => (float)v).ToArray();
            var target = net.Target.Select(v => (float)v).ToArray();
            foreach (var kind in Enum.GetValues<EstimatorKind>())
            {
                var estimator = LabCommand.LabEstimator(kind, net.Shape, tiny.C, tiny.Baseline, exact);
                var drawn = new GradientDraws(net.Shape, estimator, tiny.Samples)
                    .Run(net.ToParameters(), x, net.Label, target, Draws, seed: (ulong)tiny.Seed);
                var mean = exact.Expected(kind);
                var variance = exact.Variance(kind);
                for (int i = 0; i < mean.Length; i++)
                {
                    double standardError = Math.Sqrt(variance[i] / Draws);
                    double distance = Math.Abs(drawn.Mean[i] - mean[i]);
                    double slack = FloatSlack * (1 + Math.Abs(mean[i]));
                    Assert.True(distance <= 6 * standardError + slack,
                                $"{kind}, parameter {i}: Monte-Carlo mean {drawn.Mean[i]:R}, exact {mean[i]:R}, {distance / standardError:F1} standard errors ({standardError:G3}) away");
                    values++;
                    if (distance > 4 * standardError + slack) beyondFour++;
                }
            }
            return true;
        }).Check(Seeded.Config(8, 91UL));
        Assert.True(beyondFour <= 0.01 * values, $"{beyondFour} of {values} values are more than 4 standard errors away");
    }
}
