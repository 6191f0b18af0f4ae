using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The widened double log-mean-exp against its scalar reference on all lengths 0..257 (around
/// every vector width) and random lengths and offsets, under every ISA, and where its terms
/// would underflow without the shift.
[Collection(nameof(KernelIsaCollection))]
public sealed class ScaledLogMeanExpProperties
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    /// Both sum N doubles, each term's exponent rounded within a few ulps of `scale * max d`
    /// (the kernel subtracts in the float's units, the reference after scaling), so they agree
    /// to some ulps of `N + scale * max d`: 1e-13 of it is a hundred times that and still far
    /// inside anything the Parzen estimate could notice.
    static void Close(double actual, double reference, int n, double scale, double largest) =>
        Assert.True(Math.Abs(actual - reference) <= 1e-13 * (n + 1 + scale * largest),
                    $"n={n}, scale={scale}: {actual:R} vs reference {reference:R}");

    static float[] Distances(int n, int seed)
    {
        var random = new Random(seed);
        var d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float)(random.NextDouble() * 120 + 20);
        return d;
    }

    [Theory, MemberData(nameof(Isas))]
    public void Matches_reference_at_every_length_and_offset(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        void Check(int n, int offset)
        {
            var d = Distances(n + offset, n * 31 + offset).AsSpan(offset);
            foreach (double scale in new[] { 0.5, 5.0, 50.0 })
            {
                double reference = ScaledLogMeanExp.Reference(d, scale);
                if (n == 0)
                {
                    Assert.Equal(double.NegativeInfinity, ScaledLogMeanExp.Compute(d, scale));
                    continue;
                }
                float largest = 0;
                foreach (float v in d) largest = Math.Max(largest, v);
                Close(ScaledLogMeanExp.Compute(d, scale), reference, n, scale, largest);
            }
        }
        for (int n = 0; n <= 257; n++) Check(n, 0);
        Prop.ForAll(Gen.Choose(0, 3000).Zip(Gen.Choose(0, 17)).ToArbitrary(), t => { Check(t.Item1, t.Item2); return true; })
            .Check(Seeded.Config(100, 23UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Terms_that_underflow_even_in_double_give_the_closed_form(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        // exp(-50 * 1000) is 0 in double (and far below float's 1e-45): unshifted, the log would be -inf
        var d = new float[37];
        for (int i = 0; i < d.Length; i++) d[i] = 1000 + i % 3;
        double expected = -50.0 * 1000 + Math.Log((13 * 1 + 12 * Math.Exp(-50) + 12 * Math.Exp(-100)) / 37);
        Assert.Equal(expected, ScaledLogMeanExp.Compute(d, 50), 1e-9);
        Assert.Equal(expected, ScaledLogMeanExp.Reference(d, 50), 1e-9);
    }
}
