namespace SimdSfnn.Property.Lab;

/// Comparisons of exact identities between double-precision enumerations.
public static class Close
{
    /// `|a - b| <= tolerance * max(1, |a|, |b|)` element-wise, or an assertion naming the first parameter that differs.
    public static void All(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Max(Math.Abs(expected[i]), Math.Abs(actual[i]))),
                        $"{what}, parameter {i}: {expected[i]:R} vs {actual[i]:R}");
    }

    public static double Norm(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(sum);
    }
}
