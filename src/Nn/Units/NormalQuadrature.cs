namespace SimdSfnn.Nn.Units;

/// The trapezoid rule for `E[f(z)]`, `z ~ N(0, 1)`: nodes `j step` for `|j step| <= reach`, weights
/// `step phi(j step)` scaled to sum to 1 (so a constant integrates exactly). For `f` analytic in the
/// strip `|Im z| < d` the rule's error falls as `exp(-2 pi d / step)` (Trefethen & Weideman 2014,
/// "The exponentially convergent trapezoidal rule", SIAM Review 56(3), section 5), and the tails
/// beyond `reach` weigh `2 Phi(-reach)`.
internal static class NormalQuadrature
{
    public static (double[] Nodes, double[] Weights) Trapezoid(double step, double reach)
    {
        int half = (int)Math.Ceiling(reach / step);
        var nodes = new double[2 * half + 1];
        var weights = new double[nodes.Length];
        for (int j = -half; j <= half; j++)
        {
            nodes[j + half] = j * step;
            weights[j + half] = Normal.Density(j * step);
        }
        double total = weights.Sum();
        for (int k = 0; k < weights.Length; k++) weights[k] /= total;
        return (nodes, weights);
    }
}
