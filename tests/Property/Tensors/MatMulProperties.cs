using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// The blocked products against their triple-loop references, on random shapes that straddle
/// the 6-row and 32-column tiles and the 256-deep k-slices, under every ISA the CPU runs.
[Collection(nameof(KernelIsaCollection))]
public sealed class MatMulProperties
{
    // float sums of up to ~600 products of values in [-1, 1]: relative to the sum of |terms|.
    const double Tolerance = 1e-5;

    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    static Gen<(int B, int D, int H, int seed)> Shapes =>
        from B in Gen.Choose(0, 40)
        from D in Gen.Choose(0, 600)
        from H in Gen.Choose(0, 80)
        from seed in Gen.Choose(0, int.MaxValue)
        select (B, D, H, seed);

    [Theory, MemberData(nameof(Isas))]
    public void Forward_matches_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        var x = Random(rnd, B * D); var w = Random(rnd, H * D);
        var fast = new float[B * H]; var reference = new float[B * H];
        MatMul.Forward(x, w, fast, B, D, H);
        MatMul.ForwardReference(x, w, reference, B, D, H);
        return Close(fast, reference, D);
    });

    [Theory, MemberData(nameof(Isas))]
    public void Forward_from_weights_packed_in_parts_matches_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        H += 17; // packed weights are for layers wider than the narrow kernel's 16
        var x = Random(rnd, B * D); var w = Random(rnd, H * D);
        var packed = new PackedWeights(D, H);
        int parts = rnd.Next(1, 5);
        foreach (int part in Enumerable.Range(0, parts).OrderBy(_ => rnd.Next())) MatMul.PackForward(w, packed, part, parts);
        var fromPacked = new float[B * H]; var direct = new float[B * H]; var reference = new float[B * H];
        MatMul.Forward(x, packed, fromPacked, B);
        MatMul.Forward(x, w, direct, B, D, H);
        MatMul.ForwardReference(x, w, reference, B, D, H);
        // the same panels in the same order as a call that packs for itself: the same bits
        return Close(fromPacked, reference, D) && fromPacked.AsSpan().SequenceEqual(direct);
    });

    [Theory, MemberData(nameof(Isas))]
    public void InputGradient_from_weights_packed_in_parts_matches_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        D += 17; // the packed matrix's columns (D) must be more than the narrow kernel's 16
        var g = Random(rnd, B * H); var w = Random(rnd, H * D);
        var packed = new PackedWeights(H, D);
        int parts = rnd.Next(1, 5);
        foreach (int part in Enumerable.Range(0, parts).OrderBy(_ => rnd.Next())) MatMul.PackInputGradient(w, packed, part, parts);
        var fromPacked = Random(rnd, B * D); var added = (float[])fromPacked.Clone(); var reference = new float[B * D];
        MatMul.Forward(g, packed, fromPacked, B);
        MatMul.InputGradientReference(g, w, reference, B, H, D);
        var sum = (float[])added.Clone();
        MatMul.ForwardAdd(g, packed, added, B);
        for (int i = 0; i < sum.Length; i++) sum[i] += reference[i];
        return Close(fromPacked, reference, H) && Close(added, sum, H + 1);
    });

    [Fact]
    public void Packed_weights_refuse_a_matrix_of_another_size()
    {
        Assert.Throws<ArgumentException>(() => MatMul.PackForward(new float[20 * 30], new PackedWeights(20, 31)));
        Assert.Throws<ArgumentException>(() => MatMul.PackInputGradient(new float[20 * 30], new PackedWeights(20, 31)));
    }

    [Theory, MemberData(nameof(Isas))]
    public void InputGradient_matches_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        var g = Random(rnd, B * H); var w = Random(rnd, H * D);
        var fast = new float[B * D]; var reference = new float[B * D];
        MatMul.InputGradient(g, w, fast, B, H, D);
        MatMul.InputGradientReference(g, w, reference, B, H, D);
        return Close(fast, reference, H);
    });

    [Theory, MemberData(nameof(Isas))]
    public void WeightGradient_accumulates_like_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        var g = Random(rnd, B * H); var x = Random(rnd, B * D);
        var fast = Random(rnd, H * D); var reference = (float[])fast.Clone();
        MatMul.WeightGradient(g, x, fast, B, H, D);
        MatMul.WeightGradientReference(g, x, reference, B, H, D);
        return Close(fast, reference, B + 1);
    });

    [Theory, MemberData(nameof(Isas))]
    public void WeightGradient_without_accumulating_overwrites_like_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        var g = Random(rnd, B * H); var x = Random(rnd, B * D);
        var fast = Random(rnd, H * D); var reference = new float[H * D]; // what fast held must not count
        MatMul.WeightGradient(g, x, fast, B, H, D, accumulate: false);
        MatMul.WeightGradientReference(g, x, reference, B, H, D);
        return Close(fast, reference, B + 1);
    });

    /// Left operands of more than 512 KiB a slice (H x min(B, 256) floats), which `MatMul` sweeps
    /// in blocks of 120 rows: the weight gradients of wide layers, a forward over many rows; the
    /// last block ragged, and its last tile too.
    static Gen<(int B, int D, int H, int seed)> TallShapes =>
        from B in Gen.Choose(200, 256)
        from D in Gen.Choose(17, 50)
        from H in Gen.Choose(660, 800)
        from seed in Gen.Choose(0, int.MaxValue)
        select (B, D, H, seed);

    [Theory, MemberData(nameof(Isas))]
    public void Products_over_more_rows_than_a_row_block_match_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(TallShapes.ToArbitrary(), s =>
        {
            var (B, D, H, rnd) = (s.B, s.D, s.H, new Random(s.seed));
            var g = Random(rnd, B * H); var x = Random(rnd, B * D);
            var fast = Random(rnd, H * D); var reference = (float[])fast.Clone();
            MatMul.WeightGradient(g, x, fast, B, H, D);
            MatMul.WeightGradientReference(g, x, reference, B, H, D);
            // the forward with the roles turned: H rows of C, B inputs, D outputs
            var w = Random(rnd, D * B);
            var forward = new float[H * D]; var forwardReference = new float[H * D];
            var gT = Random(rnd, H * B);
            MatMul.Forward(gT, w, forward, H, B, D);
            MatMul.ForwardReference(gT, w, forwardReference, H, B, D);
            return Close(fast, reference, B + 1) && Close(forward, forwardReference, B);
        }).Check(Seeded.Config(25, 20261205UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Forward_to_at_most_10_outputs_matches_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        H = 1 + H % 10; // the dot-product kernel's shapes (the classifier's output layer), odd and even rows
        var x = Random(rnd, B * D); var w = Random(rnd, H * D);
        var fast = Random(rnd, B * H); var reference = new float[B * H]; // what fast held must not count
        MatMul.Forward(x, w, fast, B, D, H);
        MatMul.ForwardReference(x, w, reference, B, D, H);
        return Close(fast, reference, D);
    });

    [Theory, MemberData(nameof(Isas))]
    public void WeightGradient_with_7_to_12_rows_matches_reference(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        // the few-rows kernel's shapes (the output layer's 10), over more than one k-slice
        H = 7 + H % 6; B = B * 15 + rnd.Next(15); D %= 100;
        var g = Random(rnd, B * H); var x = Random(rnd, B * D);
        var fast = Random(rnd, H * D); var reference = (float[])fast.Clone();
        bool accumulate = rnd.Next(2) == 0;
        if (!accumulate) Array.Clear(reference);
        MatMul.WeightGradient(g, x, fast, B, H, D, accumulate);
        MatMul.WeightGradientReference(g, x, reference, B, H, D);
        return Close(fast, reference, B + 1);
    });

    [Theory, MemberData(nameof(Isas))]
    public void WeightGradient_with_7_to_12_rows_gives_the_bits_of_those_rows_in_a_larger_product(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        // the few-rows kernel must sum each entry as the wide path does, edge panel included
        H = 7 + H % 6; int wide = H + 20;
        var g = Random(rnd, B * wide); var x = Random(rnd, B * D);
        var gFew = new float[B * H];
        for (int k = 0; k < B; k++) g.AsSpan(k * wide, H).CopyTo(gFew.AsSpan(k * H, H));
        var few = new float[H * D]; var all = new float[wide * D];
        MatMul.WeightGradient(gFew, x, few, B, H, D, accumulate: false);
        MatMul.WeightGradient(g, x, all, B, wide, D, accumulate: false);
        return few.AsSpan().SequenceEqual(all.AsSpan(0, H * D));
    });

    [Theory, MemberData(nameof(Isas))]
    public void Products_from_at_most_10_terms_match_reference_and_the_bits_of_the_blocked_path(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        // the shallow kernel's shapes (the signal below the classifier's 10 outputs): k <= 10,
        // n wider than the narrow kernels', odd and even rows, ragged and 16-or-fewer edge panels
        int k = 1 + H % 10, n = 17 + D % 80, deeper = k + 1 + rnd.Next(2);
        var g = Random(rnd, B * k); var w = Random(rnd, k * n);
        var shallow = new float[B * n]; var reference = new float[B * n];
        MatMul.InputGradient(g, w, shallow, B, k, n);
        MatMul.InputGradientReference(g, w, reference, B, k, n);
        // more than 10 terms take the blocked path; zero terms after the last leave its sums as they were
        var gDeeper = new float[B * deeper]; var wDeeper = Random(rnd, deeper * n);
        for (int i = 0; i < B; i++) g.AsSpan(i * k, k).CopyTo(gDeeper.AsSpan(i * deeper));
        w.CopyTo(wDeeper, 0);
        var blocked = new float[B * n];
        MatMul.InputGradient(gDeeper, wDeeper, blocked, B, deeper, n);
        // the forward with k <= 10 inputs takes the same kernel
        var x = Random(rnd, B * k); var wT = Random(rnd, n * k);
        var forward = Random(rnd, B * n); var forwardReference = new float[B * n];
        MatMul.Forward(x, wT, forward, B, k, n);
        MatMul.ForwardReference(x, wT, forwardReference, B, k, n);
        return Close(shallow, reference, k) && shallow.AsSpan().SequenceEqual(blocked) && Close(forward, forwardReference, k);
    });

    [Fact]
    public void Wrong_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => MatMul.Forward(new float[6], new float[6], new float[5], 2, 3, 2));

    /// A (rows, cols) matrix stored with rows `ld` apart from `offset` in a larger buffer of
    /// random values: the strided products read and write in place in such buffers.
    sealed record Strided(float[] Buffer, int Offset, int Ld, int Rows, int Cols)
    {
        public static Strided Random(Random rnd, int rows, int cols)
        {
            int ld = cols + rnd.Next(0, 20), offset = rnd.Next(0, 20);
            return new Strided(MatMulProperties.Random(rnd, offset + rows * ld + 7), offset, ld, rows, cols);
        }
        public Span<float> Span => Buffer.AsSpan(Offset);
        public float[] Dense()
        {
            var dense = new float[Rows * Cols];
            for (int r = 0; r < Rows; r++) Buffer.AsSpan(Offset + r * Ld, Cols).CopyTo(dense.AsSpan(r * Cols));
            return dense;
        }
        /// Whether the matrix holds `dense` within tolerance and every float outside it is as in `before`.
        public bool Holds(float[] dense, float[] before, int terms)
        {
            for (int i = 0; i < Buffer.Length; i++)
            {
                int at = i - Offset, r = at < 0 ? -1 : at / Ld, c = at < 0 ? -1 : at % Ld;
                bool inside = at >= 0 && r < Rows && c < Cols;
                if (!inside && Buffer[i] != before[i]) return false;
                if (inside && Math.Abs(Buffer[i] - dense[r * Cols + c]) > Tolerance * Math.Max(1, terms)) return false;
            }
            return true;
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void Strided_products_match_reference_and_touch_nothing_else(Isa isa) => Check(isa, (B, D, H, rnd) =>
    {
        // forward: c (B, H) = x (B, D) w (H, D)^T
        var x = Strided.Random(rnd, B, D); var w = Strided.Random(rnd, H, D); var c = Strided.Random(rnd, B, H);
        var before = (float[])c.Buffer.Clone();
        var expected = new float[B * H];
        MatMul.ForwardReference(x.Dense(), w.Dense(), expected, B, D, H);
        MatMul.Forward(x.Span, x.Ld, w.Span, w.Ld, c.Span, c.Ld, B, D, H);
        bool forward = c.Holds(expected, before, D);

        // input gradient: c (B, D) = g (B, H) w (H, D)
        var g = Strided.Random(rnd, B, H); var cD = Strided.Random(rnd, B, D);
        before = (float[])cD.Buffer.Clone();
        expected = new float[B * D];
        MatMul.InputGradientReference(g.Dense(), w.Dense(), expected, B, H, D);
        MatMul.InputGradient(g.Span, g.Ld, w.Span, w.Ld, cD.Span, cD.Ld, B, H, D);
        bool inputGradient = cD.Holds(expected, before, H);

        // weight gradient: c (H, D) = g (B, H)^T x (B, D), written, then added to
        var cW = Strided.Random(rnd, H, D);
        before = (float[])cW.Buffer.Clone();
        expected = new float[H * D];
        MatMul.WeightGradientReference(g.Dense(), x.Dense(), expected, B, H, D);
        MatMul.WeightGradient(g.Span, g.Ld, x.Span, x.Ld, cW.Span, cW.Ld, B, H, D, accumulate: false);
        bool weightGradient = cW.Holds(expected, before, B + 1);
        var written = cW.Dense();
        before = (float[])cW.Buffer.Clone();
        MatMul.WeightGradientReference(g.Dense(), x.Dense(), written, B, H, D);
        MatMul.WeightGradient(g.Span, g.Ld, x.Span, x.Ld, cW.Span, cW.Ld, B, H, D, accumulate: true);
        bool accumulated = cW.Holds(written, before, 2 * B + 1);

        return forward && inputGradient && weightGradient && accumulated;
    });

    [Fact]
    public void Strided_products_refuse_rows_closer_than_their_width() =>
        Assert.Throws<ArgumentException>(() => MatMul.Forward(new float[40], 3, new float[40], 4, new float[40], 4, 2, 4, 4));

    static void Check(Isa isa, Func<int, int, int, Random, bool> property)
    {
        using var _ = IsaVariants.Use(isa);
        Prop.ForAll(Shapes.ToArbitrary(), s => property(s.B, s.D, s.H, new Random(s.seed)))
            .Check(Seeded.Config(60, 20261123UL));
    }

    static float[] Random(Random rnd, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rnd.NextDouble() * 2 - 1);
        return a;
    }

    static bool Close(float[] actual, float[] expected, int terms)
    {
        for (int i = 0; i < actual.Length; i++)
            if (Math.Abs(actual[i] - expected[i]) > Tolerance * Math.Max(1, terms)) return false;
        return true;
    }
}
