using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Property.Lab;

/// Fact 5: G4 is the gradient of the importance-sampled bound with the sampler held fixed,
/// `F_M(theta) = E_{h ~ P(h|x; theta0)} log (1/M) sum_m P(y|h^(m); theta) P(h^(m)|x; theta) / P(h^(m)|x; theta0)`;
/// `E[C_M]` rises with `M` towards `log P(y|x)` (Burda et al.'s bound) and `E[G4]` approaches `grad log P(y|x)`.
public sealed class FixedSamplerBoundTests
{
    const double Step = 1e-5;

    [Fact]
    public void G4_expectation_is_the_gradient_of_the_fixed_sampler_bound() =>
        Prop.ForAll(TinyNetworks.Cases(maxBits: 8), tiny =>
        {
            var net = tiny.Network;
            var exact = ExactEnumeration.Compute(net, tiny.Samples);
            Assert.True(Math.Abs(FixedSamplerBound(net, net, tiny.Samples) - exact.Objective) < 1e-12, "F_M(theta0) = E[C_M]");
            var numeric = new double[net.ParameterCount];
            for (int i = 0; i < numeric.Length; i++)
            {
                var up = (double[])net.Theta.Clone();
                var down = (double[])net.Theta.Clone();
                up[i] += Step;
                down[i] -= Step;
                numeric[i] = (FixedSamplerBound(net.WithTheta(up), net, tiny.Samples) - FixedSamplerBound(net.WithTheta(down), net, tiny.Samples)) / (2 * Step);
            }
            Close.All(numeric, exact.Expected(EstimatorKind.G4), 1e-6, "grad F_M vs E[G4]");
            return true;
        }).Check(Seeded.Config(40, 81UL));

    [Fact]
    public void Objective_rises_with_M_up_to_the_log_likelihood_and_G4_approaches_its_gradient() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var net = tiny.Network;
            int largest = Math.Min(8, 14 / net.HiddenUnits); // H*M <= 14 keeps the property quick
            var moments = Enumerable.Range(1, largest).Select(M => ExactEnumeration.Compute(net, M)).ToArray();
            double logLikelihood = moments[0].LogLikelihood;
            double Distance(ExactMoments m) => Close.Norm(m.Expected(EstimatorKind.G4), m.GradLogLikelihood);
            for (int k = 0; k + 1 < moments.Length; k++)
                Assert.True(moments[k].Objective <= moments[k + 1].Objective + 1e-12, $"E[C_{k + 1}] = {moments[k].Objective} > E[C_{k + 2}] = {moments[k + 1].Objective}");
            Assert.True(moments[^1].Objective <= logLikelihood + 1e-12, $"E[C_M] = {moments[^1].Objective} > log P(y|x) = {logLikelihood}");
            if (moments.Length > 1)
                Assert.True(Distance(moments[^1]) <= Distance(moments[0]) + 1e-12,
                            $"|E[G4] - grad log P| is {Distance(moments[0])} at M = 1 and {Distance(moments[^1])} at M = {moments.Length}");
            return true;
        }).Check(Seeded.Config(40, 82UL));

    /// `F_M(theta)` with the sampler at `theta0`, by enumerating every M-tuple of configurations.
    static double FixedSamplerBound(ExactNetwork at, ExactNetwork sampler, int M)
    {
        var model = new ConfigurationTable(at, cache: false);
        var proposal = new ConfigurationTable(sampler, cache: false);
        int K = model.Count;
        // log [ P(y|h; theta) P(h|x; theta) / P(h|x; theta0) ] per configuration
        var logRatio = Enumerable.Range(0, K).Select(k => model.LogLikelihood[k] + model.LogPrior[k] - proposal.LogPrior[k]).ToArray();
        long tuples = (long)Math.Pow(K, M);
        var terms = new double[M];
        double bound = 0;
        for (long t = 0; t < tuples; t++)
        {
            double logProbability = 0;
            long rest = t;
            for (int m = 0; m < M; m++, rest /= K)
            {
                int k = (int)(rest % K);
                logProbability += proposal.LogPrior[k];
                terms[m] = logRatio[k];
            }
            double max = terms.Max();
            bound += Math.Exp(logProbability) * (max + Math.Log(terms.Sum(v => Math.Exp(v - max)) / M));
        }
        return bound;
    }
}
