using SimdSfnn.Nn.Units;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Units;

/// Each unit kind against units.md: its output against a plain double-precision reference at
/// lengths that are no multiple of any vector width, its `E[h]` against its draws (tolerance
/// five standard errors of the draws' mean, fixed seeds) and against the closed forms, and its
/// back-propagation against central differences with the noise held.
public sealed class HiddenUnitTests
{
    public static TheoryData<string> Units() => ["bernoulli", "noisy-relu", "noisy-relu-logistic", "sts", "sigmoid", "tanh-noise", "relu", "noisy-sigmoid"];

    static IHiddenUnit Make(string name) => name switch
    {
        "bernoulli" => new SigmoidBernoulliUnit(),
        "noisy-relu" => new NoisyRectifierUnit(RectifierNoise.Gaussian, 0.7f),
        "noisy-relu-logistic" => new NoisyRectifierUnit(RectifierNoise.Logistic),
        "sts" => new StsUnit(),
        "sigmoid" => new DeterministicSigmoidUnit(),
        "tanh-noise" => new NoisyTanhUnit(0.8f),
        "relu" => new RectifierUnit(),
        "noisy-sigmoid" => new NoisySigmoidUnit(),
        _ => throw new ArgumentException(name),
    };

    static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    /// units.md's table, in double; `noise` holds unit `i`'s noise (two values for tanh-noise, eta_in then eta_out).
    static double Reference(string name, double a, ReadOnlySpan<float> noise) => name switch
    {
        "bernoulli" => noise[0] < Sigmoid(a) ? 1 : 0,
        "noisy-relu" or "noisy-relu-logistic" => Math.Max(0, a + noise[0]),
        "sts" => noise[0] * Math.Sqrt(Sigmoid(a)),
        "sigmoid" => Sigmoid(a),
        "tanh-noise" => Math.Tanh(a + noise[0]) + noise[1],
        "relu" => Math.Max(0, a),
        "noisy-sigmoid" => Sigmoid(a + noise[0]),
        _ => throw new ArgumentException(name),
    };

    static float[] Draws(Random random, int n, double low, double high) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(low + (high - low) * random.NextDouble()))];

    [Theory, MemberData(nameof(Units))]
    public void Output_is_the_tables_function_of_a_and_the_noise(string name)
    {
        var unit = Make(name);
        var random = new Random(name.Length * 7919);
        foreach (int n in new[] { 1, 3, 7, 15, 17, 31, 33, 63, 67 })
        {
            var a = Draws(random, n, -6, 6);
            int per = unit.NoisePerUnit;
            float[] noise = name switch
            {
                "bernoulli" => Draws(random, n, 0, 1),
                "sts" => [.. Draws(random, n, 0, 1).Select(u => u < 0.5f ? 0f : 1f)],
                _ => Draws(random, n * per, -3, 3),
            };
            var h = new float[n];
            unit.Output(a, noise, h);
            for (int i = 0; i < n; i++)
            {
                double expected = Reference(name, a[i], noise.AsSpan(i * per, per));
                if (name == "bernoulli" && Math.Abs(noise[i] - Sigmoid(a[i])) < 1e-6) continue; // a float rounding's coin
                Assert.True(Math.Abs(h[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"n {n}, i {i}: a {a[i]}, noise {noise[i]}: {h[i]} vs {expected}");
            }
        }
    }

    [Theory, MemberData(nameof(Units))]
    public void The_mean_of_many_draws_is_the_units_mean_within_five_standard_errors(string name)
    {
        var unit = Make(name);
        const int Draws = 40_000;
        float[] pre = [-3f, -1f, -0.2f, 0f, 0.5f, 2f, 4f];
        var a = new float[Draws];
        var noise = new float[Draws * unit.NoisePerUnit];
        var h = new float[Draws];
        var mean = new float[pre.Length];
        unit.Mean(pre, mean);
        var rng = RandomStream.Create(seed: 20261204, stream: (ulong)name.Length);
        for (int k = 0; k < pre.Length; k++)
        {
            Array.Fill(a, pre[k]);
            unit.Sample(a, ref rng, noise, h);
            double sum = 0, square = 0;
            foreach (float v in h) { sum += v; square += (double)v * v; }
            double average = sum / Draws, se = Math.Sqrt(Math.Max(square / Draws - average * average, 0) / Draws);
            // a tail that fires in fewer than about one draw of the 40000 (the Gaussian rectifier
            // at a = -3 fires once in 10^5) shows no spread to measure: 1e-5 is below what the
            // draws can resolve, and far below every mean that differs between the units' forms
            Assert.True(Math.Abs(average - mean[k]) <= 5 * se + 1e-5, $"a {pre[k]}: draws' mean {average} +- {se}, E[h] {mean[k]}");
        }
    }

    [Theory]
    [InlineData("bernoulli")]
    [InlineData("noisy-relu-logistic")]
    [InlineData("sts")]
    public void The_draws_fire_as_often_as_the_closed_form_says(string name)
    {
        var unit = Make(name);
        const int Draws = 40_000;
        var rng = RandomStream.Create(seed: 7, stream: 3);
        var noise = new float[Draws];
        var h = new float[Draws];
        foreach (float a in new[] { -2.5f, -0.5f, 0f, 1f, 3f })
        {
            unit.Sample(Enumerable.Repeat(a, Draws).ToArray(), ref rng, noise, h);
            double rate = h.Count(v => v > 0) / (double)Draws;
            // units.md: P(h > 0) is sigmoid(a) for both the binary unit and the logistic rectifier, sqrt(p) for STS
            double expected = name == "sts" ? Math.Sqrt(Sigmoid(a)) : Sigmoid(a);
            double se = Math.Sqrt(expected * (1 - expected) / Draws);
            Assert.True(Math.Abs(rate - expected) <= 5 * se, $"a {a}: fires {rate}, expected {expected} +- {se}");
        }
    }

    [Fact]
    public void The_logistic_rectifiers_mean_is_softplus_and_the_gaussians_is_the_integral()
    {
        float[] pre = [-5f, -1.5f, -0.3f, 0f, 0.4f, 1.7f, 6f];
        var mean = new float[pre.Length];
        new NoisyRectifierUnit(RectifierNoise.Logistic).Mean(pre, mean);
        for (int i = 0; i < pre.Length; i++)
            Assert.Equal(Math.Log(1 + Math.Exp(pre[i])), mean[i], 5e-6);

        const double Sigma = 0.7;
        new NoisyRectifierUnit(RectifierNoise.Gaussian, (float)Sigma).Mean(pre, mean);
        for (int i = 0; i < pre.Length; i++)
        {
            // Simpson's rule over z in [-10 sigma, 10 sigma] of max(0, a + z) N(z; 0, sigma^2)
            const int Steps = 20_000;
            double lo = -10 * Sigma, step = 20 * Sigma / Steps, integral = 0;
            for (int s = 0; s <= Steps; s++)
            {
                double z = lo + s * step, weight = s == 0 || s == Steps ? 1 : s % 2 == 1 ? 4 : 2;
                integral += weight * Math.Max(0, pre[i] + z) * Math.Exp(-0.5 * z * z / (Sigma * Sigma)) / (Sigma * Math.Sqrt(2 * Math.PI));
            }
            integral *= step / 3;
            Assert.True(Math.Abs(mean[i] - integral) <= 2e-6 * Math.Max(1, integral), $"a {pre[i]}: {mean[i]} vs {integral}");
        }
    }

    [Fact]
    public void Sts_has_mean_p_by_enumerating_its_coin()
    {
        var unit = new StsUnit();
        float[] a = [-4f, -1f, 0f, 0.3f, 2.2f];
        var one = new float[a.Length];
        var zero = new float[a.Length];
        unit.Output(a, Enumerable.Repeat(1f, a.Length).ToArray(), one);
        unit.Output(a, new float[a.Length], zero);
        for (int i = 0; i < a.Length; i++)
        {
            double p = Sigmoid(a[i]), q = Math.Sqrt(p); // P(b = 1)
            Assert.Equal(p, q * one[i] + (1 - q) * zero[i], 1e-6);
        }
    }

    [Theory]
    [InlineData("noisy-relu")]
    [InlineData("noisy-relu-logistic")]
    [InlineData("sts")]
    [InlineData("sigmoid")]
    [InlineData("tanh-noise")]
    [InlineData("relu")]
    [InlineData("noisy-sigmoid")]
    public void Back_propagation_is_the_derivative_with_the_noise_held(string name)
    {
        var unit = Make(name);
        Assert.True(unit.HasPathwiseGradient);
        var random = new Random(31);
        const int N = 37;
        const float Eps = 1e-3f;
        var a = Draws(random, N, -4, 4);
        var g = Draws(random, N, -1, 1);
        var noise = name == "sts" ? [.. Draws(random, N, 0, 1).Select(u => u < 0.6f ? 1f : 0f)] : Draws(random, N * unit.NoisePerUnit, -2, 2);
        var d = new float[N];
        unit.BackPropagate(a, noise, g, d);
        var up = new float[N];
        var down = new float[N];
        unit.Output([.. a.Select(v => v + Eps)], noise, up);
        unit.Output([.. a.Select(v => v - Eps)], noise, down);
        for (int i = 0; i < N; i++)
        {
            if (name.StartsWith("noisy-relu", StringComparison.Ordinal) && Math.Abs(a[i] + noise[i]) < 2 * Eps) continue; // the kink
            if (name == "relu" && Math.Abs(a[i]) < 2 * Eps) continue;
            double numeric = (up[i] - down[i]) / (2.0 * Eps) * g[i];
            Assert.True(Math.Abs(d[i] - numeric) <= 2e-3, $"i {i}: a {a[i]}, noise {noise[i]}: {d[i]} vs {numeric}");
        }
    }

    [Fact]
    public void The_binary_unit_leaves_its_gradient_to_an_estimator()
    {
        var unit = new SigmoidBernoulliUnit();
        Assert.True(unit.IsBinary);
        Assert.False(unit.HasPathwiseGradient);
        Assert.Throws<InvalidOperationException>(() => unit.BackPropagate([0f], [0.5f], [1f], new float[1]));
    }

    [Theory, MemberData(nameof(Units))]
    public void A_sample_is_its_noises_output_and_the_same_seed_gives_the_same_bits(string name)
    {
        var unit = Make(name);
        var a = Draws(new Random(5), 45, -3, 3);
        float[] Run(out float[] noise)
        {
            var rng = RandomStream.Create(seed: 99, stream: 1);
            noise = new float[a.Length * unit.NoisePerUnit];
            var h = new float[a.Length];
            unit.Sample(a, ref rng, noise, h);
            return h;
        }
        var first = Run(out var firstNoise);
        var second = Run(out _);
        Assert.Equal(first, second);
        var again = new float[a.Length];
        unit.Output(a, firstNoise, again);
        Assert.Equal(first, again);
    }

    /// `E[tanh(a + sigma z)]` has no closed form: the unit's quadrature against Simpson's rule on
    /// a fine grid (an independent rule), at the default sigma and the GSN's 2; the mean is odd in
    /// `a` and shrinks toward 0 as the noise grows.
    [Fact]
    public void The_noisy_tanhs_mean_is_the_integral_over_its_input_noise()
    {
        float[] pre = [-6f, -2.5f, -0.7f, -0.1f, 0f, 0.3f, 1.1f, 3f, 7f];
        foreach (float sigma in new[] { NoisyTanhUnit.DefaultSigma, 2f })
        {
            var mean = new float[pre.Length];
            new NoisyTanhUnit(sigma).Mean(pre, mean);
            for (int i = 0; i < pre.Length; i++)
            {
                // Simpson's rule over z in [-10, 10] of tanh(a + sigma z) N(z; 0, 1)
                const int Steps = 20_000;
                double step = 20.0 / Steps, integral = 0;
                for (int s = 0; s <= Steps; s++)
                {
                    double z = -10 + s * step, weight = s == 0 || s == Steps ? 1 : s % 2 == 1 ? 4 : 2;
                    integral += weight * Math.Tanh(pre[i] + sigma * z) * Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
                }
                integral *= step / 3;
                Assert.True(Math.Abs(mean[i] - integral) <= 1e-6, $"sigma {sigma}, a {pre[i]}: {mean[i]} vs {integral}");
                Assert.True(Math.Abs(mean[i]) <= Math.Abs(Math.Tanh(pre[i])) + 1e-7, $"sigma {sigma}, a {pre[i]}: |E[h]| {mean[i]} above |tanh(a)|");
            }
            for (int i = 0; i < pre.Length; i++)
                if (Array.IndexOf(pre, -pre[i]) is var j and >= 0) Assert.Equal(-mean[i], mean[j], 1e-6);
        }
    }

    /// `E[sigmoid(a + z)]`, `z ~ N(0, 1)`, has no closed form: the unit's quadrature against Simpson's
    /// rule on a fine grid (an independent rule); the mean is symmetric, `E[h | -a] = 1 - E[h | a]`,
    /// and flatter than the noise-free sigmoid.
    [Fact]
    public void The_noisy_sigmoids_mean_is_the_integral_over_its_input_noise()
    {
        float[] pre = [-9f, -3f, -1.2f, -0.3f, 0f, 0.3f, 1.2f, 3f, 9f];
        var mean = new float[pre.Length];
        new NoisySigmoidUnit().Mean(pre, mean);
        for (int i = 0; i < pre.Length; i++)
        {
            const int Steps = 20_000;
            double step = 20.0 / Steps, integral = 0;
            for (int s = 0; s <= Steps; s++)
            {
                double z = -10 + s * step, weight = s == 0 || s == Steps ? 1 : s % 2 == 1 ? 4 : 2;
                integral += weight * Sigmoid(pre[i] + z) * Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
            }
            integral *= step / 3;
            Assert.True(Math.Abs(mean[i] - integral) <= 1e-6, $"a {pre[i]}: {mean[i]} vs {integral}");
            Assert.True(Math.Abs(mean[i] - 0.5) <= Math.Abs(Sigmoid(pre[i]) - 0.5) + 1e-7, $"a {pre[i]}: E[h] {mean[i]} steeper than sigmoid(a)");
        }
        for (int i = 0; i < pre.Length; i++) Assert.Equal(1 - mean[i], mean[pre.Length - 1 - i], 1e-6);
    }
}
