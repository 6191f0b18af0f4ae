namespace SimdSfnn.Property.Tensors;

/// The kernel tests' inputs: `n` floats uniform in (-scale, scale) from a seeded `Random`.
internal static class RandomValues
{
    public static float[] Uniform(int n, int seed, double scale)
    {
        var random = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return a;
    }
}
