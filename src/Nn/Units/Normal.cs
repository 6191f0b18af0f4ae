namespace SimdSfnn.Nn.Units;

/// The standard normal density and distribution function, in double: .NET has no erf.
internal static class Normal
{
    public static double Density(double t) => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);

    /// `Phi(t) = erfc(-t / sqrt 2) / 2`.
    public static double Cdf(double t) => 0.5 * Erfc(-t / Math.Sqrt(2));

    /// The complementary error function by its Chebyshev fit (Press et al., Numerical Recipes,
    /// 2nd ed., section 6.2, `erfcc`): fractional error below 1.2e-7 everywhere, ample for floats.
    static double Erfc(double x)
    {
        double z = Math.Abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                   t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                   t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
