using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Property.Lab;

/// Fact 2: G1 is unbiased for `grad E[C_M]` whatever its baseline (Bengio 2013, Thm. 1 and
/// Cor. 1: `E[grad log P(h|x)] = 0`); the baseline moves only the variance.
public sealed class LikelihoodRatioUnbiasedTests
{
    [Fact]
    public void G1_expectation_is_the_objective_gradient_for_any_baseline() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var exact = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C, tiny.Baseline);
            Close.All(exact.GradObjective, exact.Expected(EstimatorKind.G1), 1e-9, "E[G1] vs grad E[C_M]");
            return true;
        }).Check(Seeded.Config(60, 51UL));

    [Fact]
    public void G1_variance_depends_on_the_baseline() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var near = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C, tiny.Baseline);
            var far = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C, tiny.Baseline - 5);
            int O = tiny.Network.OutputOffset;
            var nearVariance = near.Variance(EstimatorKind.G1);
            var farVariance = far.Variance(EstimatorKind.G1);
            Close.All(near.Expected(EstimatorKind.G1), far.Expected(EstimatorKind.G1), 1e-9, "E[G1] across baselines");
            return Enumerable.Range(0, O).Any(i => Math.Abs(nearVariance[i] - farVariance[i]) > 1e-6 * (1 + nearVariance[i]));
        }).Check(Seeded.Config(60, 52UL));
}
