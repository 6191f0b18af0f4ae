using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The sum of selected rows against its scalar reference, on random widths that straddle the
/// 32-column blocks and the 16-lane masked strips (0..150), random list lengths (odd and even,
/// for the two accumulator sets), padded strides, and both with and without accumulation;
/// and the lists `NonzeroLists` builds from 0/1 matrices against their reference.
[Collection(nameof(KernelIsaCollection))]
public sealed class SelectedRowSumProperties
{
    // sums of up to ~60 values in [-1, 1] in another order: relative to the number of terms.
    const double Tolerance = 1e-6;

    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    [Theory, MemberData(nameof(Isas))]
    public void Sum_matches_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(RowListCases.Shapes.ToArbitrary(), s =>
        {
            var rnd = new Random(s.seed);
            int ld = s.width + s.pad;
            var source = RowListCases.Random(rnd, s.sourceRows * ld);
            var (index, start, end) = RowListCases.RandomLists(rnd, s.lists, s.sourceRows);
            bool ok = true;
            foreach (bool accumulate in new[] { false, true })
            {
                var fast = RowListCases.Random(rnd, s.lists * ld);
                var reference = (float[])fast.Clone();
                SelectedRowSum.Sum(index, start, end, source, ld, fast, ld, s.width, accumulate);
                SelectedRowSum.SumReference(index, start, end, source, ld, reference, ld, s.width, accumulate);
                for (int i = 0; i < fast.Length; i++)
                    ok &= Math.Abs(fast[i] - reference[i]) <= Tolerance * (2 * s.sourceRows + 1);
                // the padding past each row's width is left as it was
                for (int i = 0; i < s.lists; i++)
                    for (int j = s.width; j < ld; j++) ok &= fast[i * ld + j] == reference[i * ld + j];
            }
            return ok;
        }).Check(Seeded.Config(80, 20261124UL));
    }

    [Fact]
    public void Indices_outside_the_source_are_refused() =>
        Assert.Throws<ArgumentException>(() =>
            SelectedRowSum.Sum([0, 3], [0], [2], new float[3 * 4], 4, new float[4], 4, 4, accumulate: false));

    [Theory, MemberData(nameof(Isas))]
    public void NonzeroLists_match_reference_and_transpose(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(RowListCases.Shapes.ToArbitrary(), s =>
        {
            var rnd = new Random(s.seed);
            int R = s.lists, n = s.width;
            double density = rnd.NextDouble();
            var h = new float[R * n];
            for (int i = 0; i < h.Length; i++) h[i] = rnd.NextDouble() < density ? 1 : 0;
            var fast = new NonzeroLists(R + 1, n + 1);
            var reference = new NonzeroLists(R + 1, n + 1);
            fast.Build(h, R, n);
            reference.BuildReference(h, R, n);
            bool ok = fast.Count == reference.Count && fast.Rows == R
                && fast.RowStart.SequenceEqual(reference.RowStart) && fast.RowEnd.SequenceEqual(reference.RowEnd)
                && fast.RowIndex[..fast.Count].SequenceEqual(reference.RowIndex[..reference.Count]);
            for (int r = 0; r < R; r++)
                for (int t = fast.RowStart[r]; t < fast.RowEnd[r]; t++) ok &= h[r * n + fast.RowIndex[t]] == 1;
            ok &= fast.Count == h.Count(v => v != 0);
            fast.ListColumns();
            for (int j = 0; j < n; j++)
            {
                var rows = fast.ColumnIndex[fast.ColumnStart[j]..fast.ColumnEnd[j]].ToArray();
                var expected = Enumerable.Range(0, R).Where(r => h[r * n + j] != 0).ToArray();
                ok &= rows.SequenceEqual(expected);
            }
            return ok;
        }).Check(Seeded.Config(80, 20261125UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Sum_over_lists_is_the_product_with_the_0_1_matrix(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(RowListCases.Shapes.ToArbitrary(), s =>
        {
            // a = h W^T by rows of W^T, and G^T = h^T d by columns of h, against MatMul's references
            var rnd = new Random(s.seed);
            int R = s.lists, D = s.sourceRows, H = s.width;
            var h = new float[R * D];
            for (int i = 0; i < h.Length; i++) h[i] = rnd.Next(2);
            var w = RowListCases.Random(rnd, H * D);
            var wT = new float[D * H];
            for (int i = 0; i < H; i++) for (int j = 0; j < D; j++) wT[j * H + i] = w[i * D + j];
            var lists = new NonzeroLists(R, D);
            lists.Build(h, R, D);
            var a = new float[R * H]; var aExpected = new float[R * H];
            SelectedRowSum.Sum(lists.RowIndex, lists.RowStart, lists.RowEnd, wT, H, a, H, H, accumulate: false);
            MatMul.ForwardReference(h, w, aExpected, R, D, H);

            var d = RowListCases.Random(rnd, R * H);
            lists.ListColumns();
            var gT = new float[D * H]; var gExpected = new float[H * D];
            SelectedRowSum.Sum(lists.ColumnIndex, lists.ColumnStart, lists.ColumnEnd, d, H, gT, H, H, accumulate: false);
            MatMul.WeightGradientReference(d, h, gExpected, R, H, D);
            bool ok = true;
            for (int i = 0; i < a.Length; i++) ok &= Math.Abs(a[i] - aExpected[i]) <= Tolerance * (D + 1);
            for (int i = 0; i < H; i++)
                for (int j = 0; j < D; j++) ok &= Math.Abs(gT[j * H + i] - gExpected[i * D + j]) <= Tolerance * (R + 1);
            return ok;
        }).Check(Seeded.Config(60, 20261126UL));
    }

}
