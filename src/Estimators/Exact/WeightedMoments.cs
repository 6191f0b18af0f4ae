namespace SimdSfnn.Estimators.Exact;

/// The probability-weighted mean and variance of a vector-valued random variable, accumulated
/// one outcome at a time with West's weighted form of Welford's update (West 1979,
/// "Updating mean and variance estimates"), which avoids the cancellation of `E[G^2] - E[G]^2`.
internal sealed class WeightedMoments(int length)
{
    double totalWeight;
    readonly double[] mean = new double[length];
    readonly double[] sumSquaredDeviations = new double[length];

    /// Adds outcome `value` with probability `weight`.
    public void Add(double weight, ReadOnlySpan<double> value)
    {
        if (weight <= 0) return;
        totalWeight += weight;
        double step = weight / totalWeight;
        for (int i = 0; i < mean.Length; i++)
        {
            // (1) delta = G - mean_old; (2) mean_new = mean_old + (w / W) delta; (3) S += w delta (G - mean_new)
            double delta = value[i] - mean[i];
            mean[i] += step * delta;
            sumSquaredDeviations[i] += weight * delta * (value[i] - mean[i]);
        }
    }

    /// `E[G]`.
    public double[] Mean() => (double[])mean.Clone();

    /// `Var[G] = E[(G - E[G])^2]`.
    public double[] Variance() => sumSquaredDeviations.Select(v => totalWeight > 0 ? v / totalWeight : 0).ToArray();
}
