namespace SimdSfnn.Estimators.Exact;

/// What exact enumeration knows about one network, example and `M`: every vector is per
/// parameter, in the layout of `Parameters` (`W_0, b_0, W_1, b_1, ...`).
public sealed class ExactMoments
{
    readonly double[][] expected;
    readonly double[][] variance;
    readonly Func<ExactMoments, LearnedCorrectionMoments> fitLearned;
    LearnedCorrectionMoments? learned;

    internal ExactMoments(int samples, double c, double objective, double logLikelihood,
                          double[] gradObjective, double[] gradLogLikelihood,
                          double[][] expected, double[][] variance,
                          double[] bengioBaseline, double[] optimalBaseline, Func<ExactMoments, LearnedCorrectionMoments> fitLearned)
    {
        this.fitLearned = fitLearned;
        Samples = samples;
        C = c;
        Objective = objective;
        LogLikelihood = logLikelihood;
        GradObjective = gradObjective;
        GradLogLikelihood = gradLogLikelihood;
        this.expected = expected;
        this.variance = variance;
        BengioBaseline = bengioBaseline;
        OptimalBaseline = optimalBaseline;
    }

    /// `M`.
    public int Samples { get; }
    /// G5's `c` used.
    public double C { get; }
    /// `E[C_M]`.
    public double Objective { get; }
    /// `log P(y | x)`.
    public double LogLikelihood { get; }
    /// `grad E[C_M]`.
    public double[] GradObjective { get; }
    /// `grad log P(y | x)`.
    public double[] GradLogLikelihood { get; }
    /// Per hidden unit, Bengio's baseline (2013, eq. (7)) where training's moving averages settle:
    /// `E[sum_m (h^(m) - s^(m))^2 C_M] / E[sum_m (h^(m) - s^(m))^2]`.
    public double[] BengioBaseline { get; }
    /// Per hidden unit, the constant minimising the variance of G1 on the unit's bias:
    /// `E[N^2 C_M] / E[N^2]`, `N = sum_m (h^(m) - s^(m))`; equals `BengioBaseline` when `M = 1`.
    public double[] OptimalBaseline { get; }

    /// The learned correction's exact fit against G1 with `BengioBaseline`, the baseline training's
    /// moving averages settle on, and its moments (`LearnedCorrectionEnumeration`; computed when
    /// first asked for: it walks the tuples once more per hidden layer, and once for the moments).
    public LearnedCorrectionMoments Learned => learned ??= fitLearned(this);

    /// `E[G]`; for the deterministic net, its back-propagated gradient.
    public double[] Expected(EstimatorKind kind) => kind == EstimatorKind.Learned ? Learned.Expected : expected[(int)kind];
    /// `Var[G] = E[G^2] - E[G]^2`; 0 for the deterministic net.
    public double[] Variance(EstimatorKind kind) => kind == EstimatorKind.Learned ? Learned.Variance : variance[(int)kind];
}
