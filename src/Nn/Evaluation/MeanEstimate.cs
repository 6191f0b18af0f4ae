namespace SimdSfnn.Nn.Evaluation;

/// The mean of per-example numbers and its standard error `std / sqrt(n)`, with the population
/// std (numpy's default, as in the Parzen scripts of Breuleux et al. and Goodfellow et al.
/// whose "214 +- 1.1" we compare with; the n - 1 form differs by a factor 1.00005 at n = 10000).
public readonly record struct MeanEstimate(double Mean, double StandardError)
{
    public static MeanEstimate Of(ReadOnlySpan<double> values)
    {
        if (values.Length == 0) return new MeanEstimate(double.NaN, double.NaN);
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / values.Length, squares = 0;
        foreach (double v in values) squares += (v - mean) * (v - mean);
        return new MeanEstimate(mean, Math.Sqrt(squares / values.Length) / Math.Sqrt(values.Length));
    }
}
