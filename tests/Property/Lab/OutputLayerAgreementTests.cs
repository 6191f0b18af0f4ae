using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Cli.Lab;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Property.Lab;

/// Fact 1: on the output layer G1-G5 (and the learned correction) are the same random variable,
/// `sum_m wbar^(m) dlogP(y|h^(m))/dtheta_out`.
public sealed class OutputLayerAgreementTests
{
    static readonly EstimatorKind[] Stochastic = [EstimatorKind.G1, EstimatorKind.G2, EstimatorKind.G3, EstimatorKind.G4, EstimatorKind.G5, EstimatorKind.Learned];

    [Fact]
    public void Exact_output_layer_moments_agree_across_the_estimators() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var exact = ExactEnumeration.Compute(tiny.Network, tiny.Samples, tiny.C, tiny.Baseline);
            int O = tiny.Network.OutputOffset;
            foreach (var kind in Stochastic[1..])
            {
                Close.All(exact.Expected(EstimatorKind.G1).AsSpan(O), exact.Expected(kind).AsSpan(O), 1e-12, $"E[{kind}]");
                Close.All(exact.Variance(EstimatorKind.G1).AsSpan(O), exact.Variance(kind).AsSpan(O), 1e-12, $"Var[{kind}]");
            }
            return true;
        }).Check(Seeded.Config(60, 41UL));

    /// The fast path draws the same samples for every estimator from the same seed, so its
    /// output-layer draws, and hence their moments, are the same bits.
    [Fact]
    public void Fast_path_output_layer_draws_are_identical_across_the_estimators() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var net = tiny.Network;
            var x = net.X.Select(v => (float)v).ToArray();
            var target = net.Target.Select(v => (float)v).ToArray();
            var exact = ExactEnumeration.Compute(net, tiny.Samples, tiny.C, tiny.Baseline);
            MonteCarloMoments Draw(EstimatorKind kind) =>
                new GradientDraws(net.Shape, LabCommand.LabEstimator(kind, net.Shape, tiny.C, tiny.Baseline, exact), tiny.Samples)
                    .Run(net.ToParameters(), x, net.Label, target, draws: 50, seed: 3);
            var reference = Draw(EstimatorKind.G1);
            int O = net.OutputOffset;
            foreach (var kind in Stochastic[1..])
            {
                var other = Draw(kind);
                Assert.Equal(reference.Mean.AsSpan(O).ToArray(), other.Mean.AsSpan(O).ToArray());
                Assert.Equal(reference.Variance.AsSpan(O).ToArray(), other.Variance.AsSpan(O).ToArray());
            }
            return true;
        }).Check(Seeded.Config(30, 42UL));
}
