using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Lab;

/// The exact enumeration of STS nets (StsEnumeration) checked two ways: its gradients equal
/// finite differences of its own objective and log-likelihood (an independent route to the same
/// derivative), and the engine's fast path with STS units, drawn many times, has the enumerated
/// mean within standard errors derived from the enumerated variance. Fixed seeds throughout.
[Collection(nameof(KernelIsaCollection))]
public sealed class StsEnumerationTests
{
    [Fact]
    public void Gradients_equal_finite_differences_of_the_enumerated_objective()
    {
        Prop.ForAll(TinyNetworks.Cases(maxBits: 8, maxSamples: 3), tiny =>
        {
            var net = tiny.Network.WithStsUnits();
            var exact = StsEnumeration.Compute(net, tiny.Samples);
            const double step = 1e-5;
            for (int i = 0; i < net.ParameterCount; i++)
            {
                var up = (double[])net.Theta.Clone();
                var down = (double[])net.Theta.Clone();
                up[i] += step;
                down[i] -= step;
                var plus = StsEnumeration.Compute(net.WithTheta(up), tiny.Samples);
                var minus = StsEnumeration.Compute(net.WithTheta(down), tiny.Samples);
                // double precision: truncation O(step^2) and rounding ~1e-16/step, both far below 1e-6
                double objective = (plus.Objective - minus.Objective) / (2 * step);
                double likelihood = (plus.LogLikelihood - minus.LogLikelihood) / (2 * step);
                Assert.True(Math.Abs(objective - exact.GradObjective[i]) < 1e-6 * (1 + Math.Abs(objective)),
                            $"{tiny} parameter {i}: d E[C_M] finite difference {objective:R}, enumerated {exact.GradObjective[i]:R}");
                Assert.True(Math.Abs(likelihood - exact.GradLogLikelihood[i]) < 1e-6 * (1 + Math.Abs(likelihood)),
                            $"{tiny} parameter {i}: d log P(y|x) finite difference {likelihood:R}, enumerated {exact.GradLogLikelihood[i]:R}");
            }
            return true;
        }).Check(Seeded.Config(12, 17UL));
    }

    [Fact]
    public void The_engine_s_sts_draws_have_the_enumerated_mean()
    {
        const int draws = 20_000;
        int values = 0, beyondFour = 0;
        Prop.ForAll(TinyNetworks.Cases(maxBits: 10), tiny =>
        {
            var net = tiny.Network.WithStsUnits();
            var exact = StsEnumeration.Compute(net, tiny.Samples);
            var x = net.X.Select(v => (float)v).ToArray();
            var target = net.Target.Select(v => (float)v).ToArray();
            // the estimator is never called: every hidden layer back-propagates itself
            var drawn = new GradientDraws(net.Shape, EstimatorRegistry.Create(EstimatorKind.G3, net.Shape.Sizes[1..^1]), tiny.Samples)
                .Run(net.ToParameters(), x, net.Label, target, draws, seed: (ulong)tiny.Seed);
            for (int i = 0; i < exact.Expected.Length; i++)
            {
                double standardError = Math.Sqrt(exact.Variance[i] / draws);
                double distance = Math.Abs(drawn.Mean[i] - exact.Expected[i]);
                double slack = 1e-5 * (1 + Math.Abs(exact.Expected[i])); // float rounding of each draw
                Assert.True(distance <= 6 * standardError + slack,
                            $"{tiny} parameter {i}: Monte-Carlo mean {drawn.Mean[i]:R}, exact {exact.Expected[i]:R}, {distance / standardError:F1} standard errors away");
                values++;
                if (distance > 4 * standardError + slack) beyondFour++;
            }
            return true;
        }).Check(Seeded.Config(8, 23UL));
        Assert.True(beyondFour <= 0.01 * values, $"{beyondFour} of {values} values are more than 4 standard errors away");
    }

    [Fact]
    public void The_sts_estimator_is_biased_by_the_score_term_it_leaves_out()
    {
        // E[STS] = E[dC/dtheta | b], so E[C grad log P(b)] is its bias; on random tiny nets it is
        // not zero (the estimator is biased, as 1308.3432 says), and the enumeration shows by how much
        double largest = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var tiny = TinyNetworks.Make(seed, maxBits: 8);
            var exact = StsEnumeration.Compute(tiny.Network.WithStsUnits(), tiny.Samples);
            for (int i = 0; i < tiny.Network.OutputOffset; i++)
                largest = Math.Max(largest, Math.Abs(exact.GradObjective[i] - exact.Expected[i]));
            // the output layer's parameters see no sampling below them but through h: no score term
            for (int i = tiny.Network.OutputOffset; i < exact.Expected.Length; i++)
                Assert.Equal(exact.GradObjective[i], exact.Expected[i], 12);
        }
        Assert.True(largest > 1e-3, $"the largest bias over 20 tiny nets is {largest}");
    }
}
