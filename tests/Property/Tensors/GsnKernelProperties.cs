using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The GSN's kernels against their scalar references on every path the CPU runs, on lengths
/// 0..257 (around every vector width) and random FsCheck lengths: salt-and-pepper and the tanh
/// slope bit for bit, tanh within its tolerance, the accumulating products against
/// reference-plus-start; and the corruption's rates within 6 standard errors.
[Collection(nameof(KernelIsaCollection))]
public sealed class GsnKernelProperties
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    static void ForLengths(Action<int> check)
    {
        for (int n = 0; n <= 257; n++) check(n);
        Prop.ForAll(Gen.Choose(0, 3000).ToArbitrary(), n => { check(n); return true; }).Check(Seeded.Config(60, 17UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Salt_and_pepper_matches_its_reference_bit_for_bit_and_in_place(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths(n =>
        {
            var x = RandomValues.Uniform(n, n, 1).Select(Math.Abs).ToArray();
            foreach (float p in new[] { 0f, 0.4f, 1f })
            {
                var stream = RandomStream.Create(9, (ulong)n);
                var reference = new RandomStreamReference(9, (ulong)n);
                var fast = new float[n]; var expected = new float[n];
                SaltAndPepper.Corrupt(x, p, ref stream, fast);
                SaltAndPepper.CorruptReference(x, p, reference, expected);
                Assert.Equal(expected, fast);
                var inPlace = x.ToArray();
                SaltAndPepper.Corrupt(inPlace, p, ref stream, inPlace);
                SaltAndPepper.CorruptReference(x, p, reference, expected);
                Assert.Equal(expected, inPlace);
                if (p == 0) Assert.Equal(x, fast);
                if (p == 1) Assert.All(fast, v => Assert.True(v is 0f or 1f));
                // both streams are still in step
                Assert.Equal(reference.NextLane(0), stream.NextBlock().GetElement(0));
            }
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void Salt_and_pepper_corrupts_at_its_rate_with_a_fair_coin(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        const int N = 1_000_003; // not a multiple of any width
        const float p = 0.4f;
        var x = Enumerable.Repeat(0.5f, N).ToArray(); // neither 0 nor 1: every changed pixel shows
        var y = new float[N];
        var stream = RandomStream.Create(2014, 3);
        SaltAndPepper.Corrupt(x, p, ref stream, y);
        int zeros = y.Count(v => v == 0), ones = y.Count(v => v == 1);
        Assert.Equal(N, zeros + ones + y.Count(v => v == 0.5f));
        // binomial standard errors: sqrt(N p (1 - p)) for the corrupted, sqrt(N p / 4) for each coin face
        double corrupted = zeros + ones, se = Math.Sqrt(N * p * (1 - p)), seFace = Math.Sqrt(N * p / 2 * (1 - p / 2));
        Assert.InRange(corrupted, N * p - 6 * se, N * p + 6 * se);
        Assert.InRange(zeros, N * p / 2 - 6 * seFace, N * p / 2 + 6 * seFace);
        Assert.InRange(ones, N * p / 2 - 6 * seFace, N * p / 2 + 6 * seFace);
    }

    [Theory, MemberData(nameof(Isas))]
    public void Tanh_matches_reference_and_its_slope_bit_for_bit(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths(n =>
        {
            var a = RandomValues.Uniform(n, n, 12);
            var t = new float[n]; var expected = new float[n];
            Tanh.Compute(a, t);
            Tanh.Reference(a, expected);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(t[i] - expected[i]) <= 2e-7 + 2e-6 * Math.Abs(expected[i]), $"tanh at {i} of {n}: {t[i]} vs {expected[i]}");
            var g = RandomValues.Uniform(n, n + 1, 3);
            var d = new float[n]; var dExpected = new float[n];
            Tanh.Slope(t, g, d);
            Tanh.SlopeReference(t, g, dExpected);
            Assert.Equal(dExpected, d);
            Tanh.Slope(t, g, g); // in place
            Assert.Equal(dExpected, g);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void Accumulating_products_add_the_reference_to_what_c_held(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        var shapes = Gen.Choose(0, 40).Zip(Gen.Choose(0, 300)).Zip(Gen.Choose(0, 80), (bd, h) => (B: bd.Item1, D: bd.Item2, H: h));
        Prop.ForAll(shapes.ToArbitrary(), s =>
        {
            var (B, D, H) = s;
            var x = RandomValues.Uniform(B * D, B + D, 1); var w = RandomValues.Uniform(H * D, H, 1); var g = RandomValues.Uniform(B * H, B * H, 1);
            var start = RandomValues.Uniform(B * H, 7, 1);
            var forward = start.ToArray(); var forwardExpected = new float[B * H];
            MatMul.ForwardAdd(x, w, forward, B, D, H);
            MatMul.ForwardReference(x, w, forwardExpected, B, D, H);
            for (int i = 0; i < B * H; i++) Assert.True(Math.Abs(forward[i] - start[i] - forwardExpected[i]) <= 1e-4 * (1 + D), $"ForwardAdd at {i}");
            if (H > MatMul.NarrowWidth)
            {
                var layout = new PackedWeights(D, H);
                MatMul.PackForward(w, layout);
                var fromPacked = start.ToArray();
                MatMul.ForwardAdd(x, layout, fromPacked, B);
                for (int i = 0; i < B * H; i++) Assert.True(Math.Abs(fromPacked[i] - start[i] - forwardExpected[i]) <= 1e-4 * (1 + D), $"packed ForwardAdd at {i}");
            }
            var back = RandomValues.Uniform(B * D, 8, 1); var backStart = back.ToArray(); var backExpected = new float[B * D];
            MatMul.InputGradientAdd(g, w, back, B, H, D);
            MatMul.InputGradientReference(g, w, backExpected, B, H, D);
            for (int i = 0; i < B * D; i++) Assert.True(Math.Abs(back[i] - backStart[i] - backExpected[i]) <= 1e-4 * (1 + H), $"InputGradientAdd at {i}");
            return true;
        }).Check(Seeded.Config(80, 23UL));
    }
}
