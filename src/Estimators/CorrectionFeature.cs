namespace SimdSfnn.Estimators;

/// One input of the learned correction's regressor (Bengio 2013, section 3.2.2), a cheap quantity
/// at a hidden unit of pre-activation `a`, `s = sigmoid(a)`, sample `h` and back-propagated signal
/// `g` (docs/units.md, "Learned correction").
public enum CorrectionFeature
{
    /// `s (1 - s) g`: G3's signal (Raiko et al. 2014, eq. (23)).
    Slope,
    /// `|h - s| g`: the slope of the secant between `h = 0` and `h = 1` estimated from the sampled end,
    /// weighted `1 - s` when `h = 1` and `s` when `h = 0`; `E[|h - s| g] = s (1 - s) (g(0) + g(1))`.
    Midpoint,
    /// `g`: G2's signal (eq. (20)).
    Straight,
    /// `(h - s)(C_M - Lbar)`: G1's signal itself (eq. (19)), the regression's target. The lab only:
    /// a family holding it fits it exactly (the check that the fit is unbiased when it can be).
    LikelihoodRatio,
}

/// The features in double precision, as the lab evaluates them.
internal static class CorrectionFeatures
{
    /// The value of `feature` at one unit; `likelihoodRatio` is G1's signal there.
    public static double Value(CorrectionFeature feature, double s, double h, double g, double likelihoodRatio) => feature switch
    {
        CorrectionFeature.Slope => s * (1 - s) * g,
        CorrectionFeature.Midpoint => Math.Abs(h - s) * g,
        CorrectionFeature.Straight => g,
        CorrectionFeature.LikelihoodRatio => likelihoodRatio,
        _ => throw new ArgumentOutOfRangeException(nameof(feature)),
    };

    /// The lower-case names the lab's JSON uses.
    public static string Name(CorrectionFeature feature) => feature switch
    {
        CorrectionFeature.Slope => "slope",
        CorrectionFeature.Midpoint => "midpoint",
        CorrectionFeature.Straight => "straight",
        CorrectionFeature.LikelihoodRatio => "likelihoodRatio",
        _ => throw new ArgumentOutOfRangeException(nameof(feature)),
    };
}
