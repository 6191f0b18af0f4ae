using SimdSfnn.Estimators.Exact;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Lab;

/// Fact 8, the worked example of Raiko et al. 2014, Theorem 1 and eq. (14): `x`, `h`, `y` in
/// {0, 1}, `Pd(y|x) = (0.5, 0.5)`, `P(y|h=0) = (0.9, 0.1)`, `P(y|h=1) = (0.1, 0.9)`. The stochastic
/// `P(h=1|x) = 0.5` reaches `C = log 0.5` (the paper's -0.30 is base 10), every deterministic
/// `P(h|x)` only `0.5 log 0.9 + 0.5 log 0.1` (-0.52 in base 10). With one sample the criterion
/// is linear in `P(h|x)`, so the stochastic unit only ties; with `M >= 2` it wins.
public sealed class TheoremOneTests
{
    // a hidden bias this large makes P(h=1|x) 0 or 1 to within e^-40
    const double Stochastic = 0, AlwaysOn = 40, AlwaysOff = -40;

    /// `E_{y ~ Pd}` of (log P(y|x), E[C_M]) with `P(h=1|x) = sigmoid(hiddenBias)`.
    static (double Criterion, double Objective) Expected(double hiddenBias, int M)
    {
        double criterion = 0, objective = 0;
        for (int y = 0; y < 2; y++)
        {
            // o = W h + b with softmax(b) = (0.9, 0.1) and softmax(W + b) = (0.1, 0.9); no input
            double[] theta = [hiddenBias, Math.Log(0.1) - Math.Log(0.9), Math.Log(0.9) - Math.Log(0.1), Math.Log(0.9), Math.Log(0.1)];
            var net = new ExactNetwork(new NetworkShape([0, 1, 2], OutputHead.Softmax), theta, [], y, null);
            var exact = ExactEnumeration.Compute(net, M);
            criterion += 0.5 * exact.LogLikelihood;
            objective += 0.5 * exact.Objective;
        }
        return (criterion, objective);
    }

    [Fact]
    public void Stochastic_unit_beats_every_deterministic_choice_on_the_exact_criterion()
    {
        Assert.Equal(Math.Log(0.5), Expected(Stochastic, 1).Criterion, 12);
        Assert.Equal(-0.30, Expected(Stochastic, 1).Criterion / Math.Log(10), 2);
        foreach (double deterministic in new[] { AlwaysOn, AlwaysOff })
        {
            Assert.Equal(0.5 * Math.Log(0.9) + 0.5 * Math.Log(0.1), Expected(deterministic, 1).Criterion, 12);
            Assert.Equal(-0.52, Expected(deterministic, 1).Criterion / Math.Log(10), 2);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void With_several_samples_the_stochastic_unit_wins_on_the_objective(int M)
    {
        double stochastic = Expected(Stochastic, M).Objective;
        foreach (double deterministic in new[] { AlwaysOn, AlwaysOff })
            Assert.True(stochastic > Expected(deterministic, M).Objective + 1e-3, $"M = {M}: {stochastic} vs {Expected(deterministic, M).Objective}");
    }

    [Fact]
    public void With_one_sample_the_stochastic_unit_only_ties()
    {
        double best = Math.Max(Expected(AlwaysOn, 1).Objective, Expected(AlwaysOff, 1).Objective);
        Assert.Equal(best, Expected(Stochastic, 1).Objective, 12);
        // E[C_1] is linear in P(h|x): no mixture beats the best deterministic choice
        foreach (double bias in new[] { -3.0, -0.5, 1.0, 2.5 })
            Assert.True(Expected(bias, 1).Objective <= best + 1e-12);
    }
}
