using System.Runtime.Intrinsics;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The vector RNG and the sampling kernels reproduce their scalar references bit for bit, and
/// the numbers have the right moments (fixed seeds; bounds of 6 standard errors).
[Collection(nameof(KernelIsaCollection))]
public sealed class RandomProperties
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    [Fact]
    public void Stream_matches_scalar_reference_lane_by_lane()
    {
        var stream = RandomStream.Create(42, 9);
        var reference = new RandomStreamReference(42, 9);
        for (int n = 0; n <= 257; n++)
        {
            var fast = new float[n]; var expected = new float[n];
            stream.NextUniform(fast);
            reference.NextUniform(expected);
            Assert.Equal(expected, fast);
        }
    }

    [Fact]
    public void Halves_and_quarters_of_blocks_are_the_blocks_lanes()
    {
        var whole = RandomStream.Create(42, 9);
        var halves = RandomStream.Create(42, 9);
        var quarters = RandomStream.Create(42, 9);
        for (int block = 0; block < 100; block++)
        {
            var expected = whole.NextUniformBlock();
            // halves in either order, as long as both are drawn
            var h1 = block % 2 == 0 ? halves.NextUniformHalf(1) : default;
            var h0 = halves.NextUniformHalf(0);
            if (block % 2 == 1) h1 = halves.NextUniformHalf(1);
            var q = new[] { quarters.NextUniformQuarter(0), quarters.NextUniformQuarter(1), quarters.NextUniformQuarter(2), quarters.NextUniformQuarter(3) };
            for (int lane = 0; lane < 16; lane++)
            {
                Assert.Equal(expected.GetElement(lane), (lane < 8 ? h0 : h1).GetElement(lane % 8));
                Assert.Equal(expected.GetElement(lane), q[lane / 4].GetElement(lane % 4));
            }
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void Sampling_kernels_match_references_bit_for_bit(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        var random = new Random(3);
        for (int n = 0; n <= 257; n++)
        {
            // probabilities include exact 0 and 1, which must give 0 and 1 always
            var p = Enumerable.Range(0, n).Select(i => i % 7 == 0 ? 0f : i % 7 == 1 ? 1f : (float)random.NextDouble()).ToArray();
            var a = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
            var stream = RandomStream.Create(5, (ulong)n);
            var reference = new RandomStreamReference(5, (ulong)n);

            var h = new float[n]; var hr = new float[n];
            BernoulliSample.Sample(p, ref stream, h);
            BernoulliSample.SampleRowsReference(p, n, reference, hr, 1, n);
            Assert.Equal(hr, h);
            for (int i = 0; i < n; i++) if (p[i] == 0) Assert.Equal(0, h[i]); else if (p[i] == 1) Assert.Equal(1, h[i]);

            // three rows from one row of probabilities (stride 0), as the first hidden layer samples
            var h3 = new float[3 * n]; var h3r = new float[3 * n];
            BernoulliSample.SampleRows(p, 0, ref stream, h3, 3, n);
            BernoulliSample.SampleRowsReference(p, 0, reference, h3r, 3, n);
            Assert.Equal(h3r, h3);

            // three rows in place (s = a), as the upper hidden layers sample
            var a3 = Enumerable.Range(0, 3 * n).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
            var s3r = new float[3 * n];
            SigmoidBernoulli.SampleRowsReference(a3, reference, s3r, h3r, 3, n);
            SigmoidBernoulli.SampleRows(a3, ref stream, a3, h3, 3, n);
            for (int i = 0; i < 3 * n; i++) Assert.True(Math.Abs(a3[i] - s3r[i]) <= 1e-6f, $"s[{i}]: {a3[i]} vs {s3r[i]}");
            // a compare flips only where the kernel's s and the reference's round differently
            Assert.True(h3.Zip(h3r).Count(t => t.First != t.Second) <= 3 * n / 100 + 1);

            var x = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
            var z = new float[n]; var zr = new float[n];
            Gaussian.AddNoise(x, 0.4f, ref stream, z);
            Gaussian.AddNoiseReference(x, 0.4f, reference, zr);
            for (int i = 0; i < n; i++) Assert.True(Math.Abs(z[i] - zr[i]) <= 1e-5f * Math.Max(1, Math.Abs(zr[i])), $"z[{i}] {z[i]} vs {zr[i]}");

            // both streams are still in step after all three kernels
            Assert.Equal(reference.NextLane(0), stream.NextBlock().GetElement(0));
        }
    }

    [Fact]
    public void Uniforms_have_the_moments_of_U01()
    {
        const int N = 1_000_000;
        var u = new float[N];
        var stream = RandomStream.Create(2026, 1);
        stream.NextUniform(u);
        double mean = u.Average(v => (double)v), variance = u.Average(v => (v - mean) * (v - mean));
        Assert.All(u, v => Assert.InRange(v, 0f, 0.99999995f));
        Assert.InRange(mean, 0.5 - 6 * Math.Sqrt(1.0 / 12 / N), 0.5 + 6 * Math.Sqrt(1.0 / 12 / N));
        // Var of the sample variance of U(0,1): (1/80 - 1/144) / N
        Assert.InRange(variance, 1.0 / 12 - 6 * Math.Sqrt((1.0 / 80 - 1.0 / 144) / N), 1.0 / 12 + 6 * Math.Sqrt((1.0 / 80 - 1.0 / 144) / N));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Gaussian_noise_has_the_moments_of_N01(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        const int N = 1_000_000;
        var z = new float[N];
        var stream = RandomStream.Create(7, 7);
        Gaussian.AddNoise(new float[N], 1f, ref stream, z);
        double m1 = z.Average(v => (double)v), m2 = z.Average(v => (double)v * v), m4 = z.Average(v => Math.Pow(v, 4));
        // standard errors: sqrt(1/N), sqrt(2/N), sqrt(96/N) for the mean, E z^2 and E z^4
        Assert.InRange(m1, -6 * Math.Sqrt(1.0 / N), 6 * Math.Sqrt(1.0 / N));
        Assert.InRange(m2, 1 - 6 * Math.Sqrt(2.0 / N), 1 + 6 * Math.Sqrt(2.0 / N));
        Assert.InRange(m4, 3 - 6 * Math.Sqrt(96.0 / N), 3 + 6 * Math.Sqrt(96.0 / N));
    }

    [Fact]
    public void Streams_and_seeds_are_distinct()
    {
        float[] First(ulong seed, ulong stream) { var s = RandomStream.Create(seed, stream); var u = new float[64]; s.NextUniform(u); return u; }
        Assert.NotEqual(First(1, 1), First(1, 2));
        Assert.NotEqual(First(1, 1), First(2, 1));
        Assert.Equal(First(3, 4), First(3, 4));
    }
}
