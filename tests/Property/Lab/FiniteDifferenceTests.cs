using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Property.Lab;

/// Fact 6's targets: `grad log P(y|x)` and `grad E[C_M]` agree with central finite differences
/// of the enumerated `log P(y|x)` and `E[C_M]`.
public sealed class FiniteDifferenceTests
{
    // Central differences with step 1e-5: truncation ~1e-10 |f'''|, rounding ~1e-16 / 1e-5.
    const double Step = 1e-5, Tolerance = 1e-6;

    [Fact]
    public void Exact_gradients_match_finite_differences() =>
        Prop.ForAll(TinyNetworks.Cases(maxBits: 8), tiny =>
        {
            var net = tiny.Network;
            var exact = ExactEnumeration.Compute(net, tiny.Samples);
            var objective = new double[net.ParameterCount];
            var logLikelihood = new double[net.ParameterCount];
            for (int i = 0; i < net.ParameterCount; i++)
            {
                var up = Shifted(net, i, +Step);
                var down = Shifted(net, i, -Step);
                objective[i] = (up.Objective - down.Objective) / (2 * Step);
                logLikelihood[i] = (up.LogLikelihood - down.LogLikelihood) / (2 * Step);
            }
            Close.All(objective, exact.GradObjective, Tolerance, "grad E[C_M]");
            Close.All(logLikelihood, exact.GradLogLikelihood, Tolerance, "grad log P(y|x)");
            return true;

            ExactMoments Shifted(ExactNetwork at, int i, double step)
            {
                var theta = (double[])at.Theta.Clone();
                theta[i] += step;
                return ExactEnumeration.Compute(at.WithTheta(theta), tiny.Samples);
            }
        }).Check(Seeded.Config(40, 71UL));
}
