namespace SimdSfnn.Nn.Evaluation;

/// The width of a Parzen window, chosen on held-out images. The GSN paper does not say how its
/// sigma was chosen (its code hard-codes 0.20); the GAN paper of the same lab (Goodfellow et al.
/// 2014) picks it on a validation set from `numpy.logspace(-1, 0, 10)`, and so do we.
public static class ParzenSigma
{
    /// `logspace(-1, 0, points)`: `10^(-1 + i / (points - 1))` for i = 0 .. points - 1, from
    /// 0.1 to 1 (one point: 0.1).
    public static double[] Grid(int points = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        var grid = new double[points];
        for (int i = 0; i < points; i++) grid[i] = points == 1 ? 0.1 : Math.Pow(10, -1 + (double)i / (points - 1));
        return grid;
    }

    /// The index of the sigma under which the held-out images have the highest mean
    /// log-density (`heldOut[s][n]`, as `ParzenWindow.LogDensities` returns it); the first of
    /// equal ones. A mean that is not a number never wins.
    public static int Best(double[][] heldOut)
    {
        ArgumentOutOfRangeException.ThrowIfZero(heldOut.Length);
        int best = 0;
        double bestMean = double.NegativeInfinity;
        for (int s = 0; s < heldOut.Length; s++)
        {
            double mean = MeanEstimate.Of(heldOut[s]).Mean;
            if (mean > bestMean)
            {
                best = s;
                bestMean = mean;
            }
        }
        return best;
    }
}
