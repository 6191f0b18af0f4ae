using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The gated layers' two list kernels against their scalar references on every path: the dot
/// products of selected rows with a row per list (`SelectedRowDot`) and the weighted sums of
/// selected rows into a row per list (`WeightedRowSum`), on widths that straddle the 16-lane
/// vectors and the 256-float slices of the Vector512 path (0..150 and 240..800, so one and several
/// slices with vectors left over), random lists with repeats, padded strides.
[Collection(nameof(KernelIsaCollection))]
public sealed class SelectedRowProductProperties
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    static Gen<(int lists, int sourceRows, int width, int pad, int seed)> Shapes =>
        from lists in Gen.Choose(0, 12)
        from sourceRows in Gen.Choose(1, 20)
        from narrow in Gen.Choose(0, 150)
        from wide in Gen.Choose(240, 800)
        from pickWide in Gen.Choose(0, 1)
        from pad in Gen.Choose(0, 5)
        from seed in Gen.Choose(0, int.MaxValue)
        select (lists, sourceRows, pickWide == 1 ? wide : narrow, pad, seed);

    [Theory, MemberData(nameof(Isas))]
    public void Dot_matches_reference_and_does_not_depend_on_the_list(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(Shapes.ToArbitrary(), c =>
        {
            var rnd = new Random(c.seed);
            int ld = c.width + c.pad;
            var source = RowListCases.Random(rnd, c.sourceRows * ld);
            var y = RowListCases.Random(rnd, c.lists * ld);
            var (index, start, end) = RowListCases.RandomLists(rnd, c.lists, c.sourceRows);
            // one slot past the entries: no list owns it, so it is left alone
            int entries = index.Length;
            var fast = RowListCases.Random(rnd, entries + 1);
            var reference = (float[])fast.Clone();
            bool ok = true;
            foreach (bool accumulate in new[] { false, true })
            {
                SelectedRowDot.Dot(index, start, end, source, ld, y, ld, c.width, fast, accumulate);
                SelectedRowDot.DotReference(index, start, end, source, ld, y, ld, c.width, reference, accumulate);
                // sums of width products of values in [-1, 1] in another order
                for (int t = 0; t < entries; t++) ok &= Math.Abs(fast[t] - reference[t]) <= 1e-6 * (c.width + 2) * (accumulate ? 2 : 1);
                ok &= fast[entries] == reference[entries];
            }

            // each entry in a list of its own, its list's y row beside it: the same bits
            var alone = new float[entries];
            var yAlone = new float[Math.Max(1, entries) * ld];
            var startAlone = new int[entries];
            var endAlone = new int[entries];
            for (int i = 0; i < c.lists; i++)
                for (int t = start[i]; t < end[i]; t++)
                {
                    y.AsSpan(i * ld, c.width).CopyTo(yAlone.AsSpan(t * ld));
                    (startAlone[t], endAlone[t]) = (t, t + 1);
                }
            var together = new float[entries];
            SelectedRowDot.Dot(index, start, end, source, ld, y, ld, c.width, together, accumulate: false);
            SelectedRowDot.Dot(index, startAlone, endAlone, source, ld, yAlone, ld, c.width, alone, accumulate: false);
            return ok && together.AsSpan().SequenceEqual(alone);
        }).Check(Seeded.Config(60, 20270301UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void WeightedRowSum_equals_reference_bit_for_bit(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(Shapes.ToArbitrary(), c =>
        {
            var rnd = new Random(c.seed);
            int ld = c.width + c.pad;
            var source = RowListCases.Random(rnd, c.sourceRows * ld);
            var (index, start, end) = RowListCases.RandomLists(rnd, c.lists, c.sourceRows);
            var a = RowListCases.Random(rnd, index.Length);
            var fast = RowListCases.Random(rnd, c.lists * ld);
            var reference = (float[])fast.Clone();
            // one fused multiply-add per entry in list order, on every path: the same bits, and
            // the padding past each row's width is left as it was
            WeightedRowSum.Sum(index, start, end, a, source, ld, fast, ld, c.width);
            WeightedRowSum.SumReference(index, start, end, a, source, ld, reference, ld, c.width);
            return fast.AsSpan().SequenceEqual(reference);
        }).Check(Seeded.Config(60, 20270302UL));
    }

    [Fact]
    public void Entries_outside_the_source_are_refused()
    {
        Assert.Throws<ArgumentException>(() =>
            SelectedRowDot.Dot([0, 3], [0], [2], new float[3 * 4], 4, new float[4], 4, 4, new float[2], accumulate: false));
        Assert.Throws<ArgumentException>(() =>
            WeightedRowSum.Sum([0, -1], [0], [2], new float[2], new float[3 * 4], 4, new float[4], 4, 4));
        Assert.Throws<ArgumentException>(() =>
            SelectedRowDot.Dot([0, 1], [0], [2], new float[3 * 4], 4, new float[4], 4, 4, new float[1], accumulate: false));
    }
}
