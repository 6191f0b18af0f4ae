using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The gathering transposes against their scalar references, bit for bit (they only move and add
/// single values), on shapes that straddle the 16-row gathers, with padded strides and column
/// ranges, under every ISA the CPU runs.
[Collection(nameof(KernelIsaCollection))]
public sealed class TransposeProperties
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    static Gen<(int rows, int cols, int pad, int first, int count, int seed)> Shapes =>
        from rows in Gen.Choose(0, 70)
        from cols in Gen.Choose(0, 40)
        from pad in Gen.Choose(0, 9)
        from first in Gen.Choose(0, 40)
        from count in Gen.Choose(0, 45)
        from seed in Gen.Choose(0, int.MaxValue)
        select (rows, cols, pad, first, count, seed);

    [Theory, MemberData(nameof(Isas))]
    public void Rows_match_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(Shapes.ToArbitrary(), c =>
        {
            var rnd = new Random(c.seed);
            var source = Values(rnd, c.rows * c.cols);
            int ld = c.rows + c.pad, length = c.cols * ld;
            var fast = Values(rnd, length); var reference = (float[])fast.Clone(); // untouched entries must stay
            int first = Math.Min(c.first, c.cols), end = first + c.count;
            Transpose.Rows(source, c.rows, c.cols, fast, ld, first, end);
            Transpose.RowsReference(source, c.rows, c.cols, reference, ld, first, end);
            return fast.AsSpan().SequenceEqual(reference);
        }).Check(Seeded.Config(150, 20261124UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void AddRows_matches_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(Shapes.ToArbitrary(), c =>
        {
            var rnd = new Random(c.seed);
            int ld = c.cols + c.pad;
            var source = Values(rnd, c.rows * ld);
            var fast = Values(rnd, c.rows * c.cols); var reference = (float[])fast.Clone();
            Transpose.AddRows(source, c.rows, c.cols, ld, fast);
            Transpose.AddRowsReference(source, c.rows, c.cols, ld, reference);
            return fast.AsSpan().SequenceEqual(reference);
        }).Check(Seeded.Config(150, 20261125UL));
    }

    [Fact]
    public void Short_destinations_are_refused() =>
        Assert.Throws<ArgumentException>(() => Transpose.Rows(new float[6], 2, 3, new float[5], 2));

    static float[] Values(Random rnd, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rnd.NextDouble() * 2 - 1);
        return a;
    }
}
