using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Nn;

/// The Parzen estimator through the float product against the formula summed pair by pair in
/// double, on small random sets of every shape (none a multiple of a vector width needed),
/// under every ISA; and against closed forms where the log-mean-exp would underflow.
[Collection(nameof(KernelIsaCollection))]
public sealed class ParzenWindowTests
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    static readonly double[] Sigmas = [0.1, 0.3, 1.0];
    const double Unit = 1.0 / (1 << 24); // float's unit roundoff

    /// Bengio et al. 2013 (Table 1) after Breuleux et al. 2011, directly: for each image,
    /// logmeanexp_i(-||x - mu_i||^2 / (2 sigma^2)) - D log sigma - (D/2) log(2 pi), every
    /// distance summed in double.
    static double Direct(float[] mu, float[] x, int n, int D, double sigma, out double maxScaledError)
    {
        int N = mu.Length / D;
        var exponents = new double[N];
        double scale = 1 / (2 * sigma * sigma), worst = 0;
        for (int i = 0; i < N; i++)
        {
            double squared = 0, xx = 0, mm = 0, xm = 0;
            for (int k = 0; k < D; k++)
            {
                double a = x[n * D + k], b = mu[i * D + k];
                squared += (a - b) * (a - b);
                xx += a * a;
                mm += b * b;
                xm += a * b;
            }
            exponents[i] = -scale * squared;
            // Float rounding of ||x||^2 + ||mu||^2 - 2 x.mu: each of the three sums of D
            // non-negative products is off by at most D u times its value (Higham, Accuracy and
            // Stability, eq. 3.5, whatever the order of the additions), and the two additions that
            // join them and the clamp add a few u of their total: (D + 4) u (||x||^2 + ||mu||^2 + 2 x.mu).
            worst = Math.Max(worst, (D + 4) * Unit * (xx + mm + 2 * xm) * scale);
        }
        double max = exponents.Max(), sum = 0;
        foreach (double e in exponents) sum += Math.Exp(e - max);
        maxScaledError = worst;
        return max + Math.Log(sum / N) - D * Math.Log(sigma) - D / 2.0 * Math.Log(2 * Math.PI);
    }

    static float[] Pixels(Random random, int count)
    {
        var values = new float[count];
        // images: many exact zeros and ones, the rest in between
        for (int i = 0; i < count; i++) values[i] = random.Next(4) switch { 0 => 0, 1 => 1, _ => (float)random.NextDouble() };
        return values;
    }

    static void Check(int N, int D, int images, int seed, int threads)
    {
        var random = new Random(seed);
        var mu = Pixels(random, N * D);
        var x = Pixels(random, images * D);
        using var pool = new WorkerPool(threads);
        var window = new ParzenWindow(mu, D, pool);
        var fast = window.LogDensities(x, Sigmas);
        for (int s = 0; s < Sigmas.Length; s++)
            for (int n = 0; n < images; n++)
            {
                double direct = Direct(mu, x, n, D, Sigmas[s], out double bound);
                // the log-mean-exp moves no more than its largest argument does (it is 1-Lipschitz
                // in the max norm); the double sums add a relative 1e-12
                double tolerance = bound + 1e-12 * (1 + Math.Abs(direct));
                Assert.True(Math.Abs(fast[s][n] - direct) <= tolerance,
                            $"N={N} D={D} image {n} sigma {Sigmas[s]}: {fast[s][n]:R} vs direct {direct:R} (tolerance {tolerance:G3})");
            }
    }

    [Theory, MemberData(nameof(Isas))]
    public void Matches_the_direct_sum_over_pairs(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        foreach (var (N, D, images) in new[] { (1, 1, 1), (2, 3, 1), (5, 7, 9), (17, 13, 7), (33, 31, 97), (97, 100, 13), (20, 784, 3), (40, 785, 101) })
            Check(N, D, images, N * 1000 + D, threads: 2);
        var shapes = from N in Gen.Choose(1, 70) from D in Gen.Choose(1, 300) from images in Gen.Choose(0, 110) from seed in Gen.Choose(0, int.MaxValue)
                     select (N, D, images, seed);
        Prop.ForAll(shapes.ToArbitrary(), t => { Check(t.N, t.D, t.images, t.seed, threads: 2); return true; })
            .Check(Seeded.Config(20, 41UL));
    }

    [Fact]
    public void One_sample_at_a_known_distance_gives_the_closed_form_even_where_exp_underflows()
    {
        // x = 0 and mu = 1 in all 784 pixels: ||x - mu||^2 = 784, and at sigma 0.1 the one term
        // is exp(-39200), 0 in float and in double
        const int D = 784;
        var mu = Enumerable.Repeat(1f, D).ToArray();
        using var pool = new WorkerPool(1);
        var window = new ParzenWindow(mu, D, pool);
        var result = window.LogDensities(new float[D], [0.1, 0.2]);
        foreach (var (sigma, value) in new[] { (0.1, result[0][0]), (0.2, result[1][0]) })
        {
            double expected = -784 / (2 * sigma * sigma) - D * Math.Log(sigma) - D / 2.0 * Math.Log(2 * Math.PI);
            Assert.Equal(expected, value, 1e-9 * Math.Abs(expected));
        }
    }

    [Fact]
    public void Two_samples_mean_their_kernels()
    {
        // mu_1 one unit from x in one pixel, mu_2 two units: (exp(-1/(2 s^2)) + exp(-4/(2 s^2))) / 2
        const int D = 5;
        float[] mu = [1, 0, 0, 0, 0, 0, 2, 0, 0, 0];
        using var pool = new WorkerPool(1);
        double sigma = 0.7;
        double value = new ParzenWindow(mu, D, pool).LogDensities(new float[D], [sigma])[0][0];
        double expected = Math.Log((Math.Exp(-1 / (2 * sigma * sigma)) + Math.Exp(-4 / (2 * sigma * sigma))) / 2)
                          - D * Math.Log(sigma) - D / 2.0 * Math.Log(2 * Math.PI);
        Assert.Equal(expected, value, 1e-12);
    }

    [Fact]
    public void The_result_does_not_depend_on_the_thread_count()
    {
        var random = new Random(5);
        const int D = 50;
        var mu = Pixels(random, 300 * D);
        var x = Pixels(random, 250 * D);
        double[][] Run(int threads)
        {
            using var pool = new WorkerPool(threads);
            return new ParzenWindow(mu, D, pool).LogDensities(x, Sigmas);
        }
        var one = Run(1);
        var three = Run(3);
        for (int s = 0; s < Sigmas.Length; s++) Assert.Equal(one[s], three[s]);
    }
}
