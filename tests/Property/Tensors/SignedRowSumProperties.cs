using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The signed sums of selected rows (gather and scatter) against their scalar references, on
/// widths that straddle the 64-, 32- and 16-column strips and the overlapped tail (0..150), list
/// lengths around the four-way unrolling, padded strides, starting from 0, c or shared rows; the
/// lists `DifferenceLists` builds against their reference; and the two together against dense
/// products with `h - reference`.
[Collection(nameof(KernelIsaCollection))]
public sealed class SignedRowSumProperties
{
    // sums of up to ~120 values in [-1, 1] in another order: relative to the number of terms.
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
            var (plusIndex, plusStart, plusEnd) = RowListCases.RandomLists(rnd, s.lists, s.sourceRows);
            var (minusIndex, minusStart, minusEnd) = RowListCases.RandomLists(rnd, s.lists, s.sourceRows);
            bool ok = true;
            // from 0; accumulating into c (initial = c); from rows shared by pad + 1 consecutive lists
            foreach (int start in new[] { 0, 1, 2 })
            {
                var fast = RowListCases.Random(rnd, s.lists * ld);
                var reference = (float[])fast.Clone();
                int per = start == 2 ? s.pad + 1 : 1;
                var shared = RowListCases.Random(rnd, (s.lists + per - 1) / per * ld);
                float[] Initial(float[] c) => start == 0 ? [] : start == 1 ? c : shared;
                SignedRowSum.Sum(plusIndex, plusStart, plusEnd, minusIndex, minusStart, minusEnd, source, ld, fast, ld, s.width, Initial(fast), per);
                SignedRowSum.SumReference(plusIndex, plusStart, plusEnd, minusIndex, minusStart, minusEnd, source, ld, reference, ld, s.width, Initial(reference), per);
                for (int i = 0; i < fast.Length; i++)
                    ok &= Math.Abs(fast[i] - reference[i]) <= Tolerance * (4 * s.sourceRows + 1);
                // the padding past each row's width is left as it was
                for (int i = 0; i < s.lists; i++)
                    for (int j = s.width; j < ld; j++) ok &= fast[i * ld + j] == reference[i * ld + j];
            }
            return ok;
        }).Check(Seeded.Config(80, 20261127UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Scatter_matches_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(RowListCases.Shapes.ToArbitrary(), s =>
        {
            var rnd = new Random(s.seed);
            int ld = s.width + s.pad, targetRows = s.sourceRows;
            var source = RowListCases.Random(rnd, s.lists * ld);
            var (plusIndex, plusStart, plusEnd) = RowListCases.RandomLists(rnd, s.lists, targetRows);
            var (minusIndex, minusStart, minusEnd) = RowListCases.RandomLists(rnd, s.lists, targetRows);
            var fast = RowListCases.Random(rnd, targetRows * ld);
            var reference = (float[])fast.Clone();
            SignedRowSum.Scatter(plusIndex, plusStart, plusEnd, minusIndex, minusStart, minusEnd, source, ld, fast, ld, s.width);
            SignedRowSum.ScatterReference(plusIndex, plusStart, plusEnd, minusIndex, minusStart, minusEnd, source, ld, reference, ld, s.width);
            bool ok = true;
            for (int i = 0; i < fast.Length; i++)
                ok &= Math.Abs(fast[i] - reference[i]) <= Tolerance * (4 * s.lists + 1);
            for (int i = 0; i < targetRows; i++)
                for (int j = s.width; j < ld; j++) ok &= fast[i * ld + j] == reference[i * ld + j];
            return ok;
        }).Check(Seeded.Config(80, 20261131UL));
    }

    [Fact]
    public void Indices_outside_the_source_are_refused() =>
        Assert.Throws<ArgumentException>(() =>
            SignedRowSum.Sum([0], [0], [1], [3], [0], [1], new float[3 * 4], 4, new float[4], 4, 4));

    [Fact]
    public void Difference_lists_need_a_source_row_for_each_column_and_a_target_row_for_each_list()
    {
        var lists = new DifferenceLists(2, 5);
        lists.Build([1, 0, 1, 0, 1, 0, 1, 0, 1, 0], new float[5], 2, 5, 2);
        Assert.Throws<ArgumentException>(() => SignedRowSum.Sum(lists, new float[4 * 3], 3, new float[2 * 3], 3, 3));
        Assert.Throws<ArgumentException>(() => SignedRowSum.Sum(lists, new float[5 * 3], 3, new float[1 * 3], 3, 3));
        Assert.Throws<ArgumentException>(() => SignedRowSum.Scatter(lists, new float[2 * 3], 3, new float[4 * 3], 3, 3));
        SignedRowSum.Sum(lists, new float[5 * 3], 3, new float[2 * 3], 3, 3);
    }

    [Theory, MemberData(nameof(Isas))]
    public void DifferenceLists_match_reference_and_list_every_difference_by_sign(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(RowListCases.Shapes.ToArbitrary(), s =>
        {
            var rnd = new Random(s.seed);
            int n = s.width, perReference = 1 + s.pad, R = s.lists;
            var (h, reference) = StatesAndReference(rnd, R, n, perReference);
            var fast = new DifferenceLists(R + 1, n + 1);
            var scalar = new DifferenceLists(R + 1, n + 1);
            fast.Build(h, reference, R, n, perReference);
            scalar.BuildReference(h, reference, R, n, perReference);
            bool ok = fast.Count == scalar.Count && fast.Rows == R && fast.Columns == n;
            for (int r = 0; r < R; r++)
            {
                var plus = fast.PlusIndex[fast.RowStart[r]..fast.RowPlusEnd[r]].ToArray();
                var minus = fast.MinusIndex[fast.RowStart[r]..fast.RowMinusEnd[r]].ToArray();
                ok &= plus.SequenceEqual(scalar.PlusIndex[scalar.RowStart[r]..scalar.RowPlusEnd[r]].ToArray());
                ok &= minus.SequenceEqual(scalar.MinusIndex[scalar.RowStart[r]..scalar.RowMinusEnd[r]].ToArray());
                var expected = reference.AsSpan(r / perReference * n, n).ToArray();
                ok &= plus.SequenceEqual(Enumerable.Range(0, n).Where(j => h[r * n + j] > expected[j]));
                ok &= minus.SequenceEqual(Enumerable.Range(0, n).Where(j => h[r * n + j] < expected[j]));
            }
            return ok;
        }).Check(Seeded.Config(80, 20261128UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Sums_over_difference_lists_are_products_with_h_minus_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(RowListCases.Shapes.ToArbitrary(), s =>
        {
            // a = (h - r) W^T gathering rows of W^T, and G^T = (h - r)^T d scattering rows of d, against MatMul's references
            var rnd = new Random(s.seed);
            int R = s.lists, D = s.sourceRows, H = s.width, perReference = 1 + s.pad;
            var (h, reference) = StatesAndReference(rnd, R, D, perReference);
            var difference = new float[R * D];
            for (int i = 0; i < difference.Length; i++) difference[i] = h[i] - reference[i / D / perReference * D + i % D];
            var w = RowListCases.Random(rnd, H * D);
            var wT = new float[D * H];
            for (int i = 0; i < H; i++) for (int j = 0; j < D; j++) wT[j * H + i] = w[i * D + j];
            var lists = new DifferenceLists(R, D);
            lists.Build(h, reference, R, D, perReference);
            var a = new float[R * H]; var aExpected = new float[R * H];
            SignedRowSum.Sum(lists, wT, H, a, H, H);
            MatMul.ForwardReference(difference, w, aExpected, R, D, H);

            var d = RowListCases.Random(rnd, R * H);
            var gT = new float[D * H]; var gExpected = new float[H * D];
            SignedRowSum.Scatter(lists, d, H, gT, H, H);
            MatMul.WeightGradientReference(d, difference, gExpected, R, H, D);
            bool ok = true;
            for (int i = 0; i < a.Length; i++) ok &= Math.Abs(a[i] - aExpected[i]) <= Tolerance * (D + 1);
            for (int i = 0; i < H; i++)
                for (int j = 0; j < D; j++) ok &= Math.Abs(gT[j * H + i] - gExpected[i * D + j]) <= Tolerance * (R + 1);
            return ok;
        }).Check(Seeded.Config(60, 20261129UL));
    }

    /// 0/1 states that flip their reference with a random probability, as samples of one
    /// probability do around its rounding.
    static (float[] h, float[] reference) StatesAndReference(Random rnd, int R, int n, int perReference)
    {
        int references = (R + perReference - 1) / perReference;
        var reference = new float[Math.Max(references, 1) * n];
        for (int i = 0; i < reference.Length; i++) reference[i] = rnd.Next(2);
        double flip = rnd.NextDouble();
        var h = new float[R * n];
        for (int r = 0; r < R; r++)
            for (int j = 0; j < n; j++)
            {
                float expected = reference[r / perReference * n + j];
                h[r * n + j] = rnd.NextDouble() < flip ? 1 - expected : expected;
            }
        return (h, reference);
    }
}
