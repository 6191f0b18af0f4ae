using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Property.Lab;

/// Facts 3 and 4: subtracting `c` from `wbar` (G5, Raiko et al. 2014, eq. (33)) keeps G4's
/// expectation (eq. (32): `E[grad log P(h|x)] = 0`) and changes its variance; with one sample
/// `wbar = 1` and the hidden expectation is zero.
public sealed class ImportanceSampledTests
{
    [Fact]
    public void G5_has_the_expectation_of_G4_for_every_c() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var exact = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C, tiny.Baseline);
            Close.All(exact.Expected(EstimatorKind.G4), exact.Expected(EstimatorKind.G5), 1e-9, $"E[G5] (c = {tiny.C}) vs E[G4]");
            return true;
        }).Check(Seeded.Config(60, 61UL));

    [Fact]
    public void G5_variance_depends_on_c() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var a = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C).Variance(EstimatorKind.G5);
            var b = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C + 3).Variance(EstimatorKind.G5);
            return Enumerable.Range(0, tiny.Network.OutputOffset).Any(i => Math.Abs(a[i] - b[i]) > 1e-6 * (1 + a[i]));
        }).Check(Seeded.Config(60, 62UL));

    [Fact]
    public void With_one_sample_G4_and_G5_have_zero_hidden_expectation() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var exact = ExactEnumeration.Compute(tiny.Network, samples: 1, tiny.C, tiny.Baseline);
            var byDefault = ExactEnumeration.Compute(tiny.Network, samples: 1);
            int O = tiny.Network.OutputOffset;
            var zero = new double[O];
            Close.All(zero, exact.Expected(EstimatorKind.G4).AsSpan(0, O), 1e-12, "E[G4], M = 1");
            Close.All(zero, exact.Expected(EstimatorKind.G5).AsSpan(0, O), 1e-12, $"E[G5], M = 1, c = {tiny.C}");
            // c = 1/M = 1: G5 is identically 0 on the hidden parameters
            Close.All(zero, byDefault.Variance(EstimatorKind.G5).AsSpan(0, O), 1e-24, "Var[G5], M = 1, c = 1");
            return true;
        }).Check(Seeded.Config(60, 63UL));
}
