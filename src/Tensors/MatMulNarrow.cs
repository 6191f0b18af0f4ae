// MatMul's products with a narrow side, the classifier's 10-unit output layer: a forward to at
// most 10 outputs as dot products along k (GemmDot), a weight gradient of 7 to 12 rows in one
// 12x32 tile (GemmFewRows), and other products with at most 16 columns in 12x16 tiles
// (GemmNarrow). Their scalar references are MatMul's.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static unsafe partial class MatMul
{
    /// Rows of C that `GemmFewRows` takes in one tile: its 24 accumulators and three operands fill
    /// 27 of the 32 zmm registers.
    const int FewRows = 12;

    /// C(m <= 12, n) (+)= A(m, k) · B(k, n) with A(i, p) = a[i + p*aK] and B's rows read in place:
    /// the output layer's weight gradient G(W_3) = d^T h_2, 10 rows. One tile of all m rows per 32
    /// columns, so B (h_2, thousands of rows) is read once per k-slice rather than once per 6-row
    /// tile, and no FMA is spent on rows past m (the 6x32 kernel's second tile did 2 of 6 for
    /// nothing); the same k-slices and edge kernel, so every entry sums as on the wide path.
    static void GemmFewRows(float* a, nint aK, float* b, nint bK, float* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        int slice = SliceDepth(k);
        for (int k0 = 0; k0 < k; k0 += slice)
        {
            int kc = Math.Min(slice, k - k0);
            bool add = accumulate || k0 > 0;
            for (int j0 = 0; j0 < n; j0 += NR)
            {
                int cols = Math.Min(NR, n - j0);
                if (cols <= 16)
                {
                    // the wide path's edge kernel, whose even and odd k sum apart: the same bits
                    // as a product with more rows (a worker's band of a weight gradient) gets
                    Kernel6x16(a + k0 * aK, 1, aK, b + k0 * bK + j0, bK, kc, c + j0, ldc, MR, cols, add);
                    Kernel6x16(a + k0 * aK + MR, 1, aK, b + k0 * bK + j0, bK, kc, c + MR * ldc + j0, ldc, m - MR, cols, add);
                }
                else Kernel12x32(a + k0 * aK, aK, b + k0 * bK + j0, bK, kc, c + j0, ldc, m, cols, add);
            }
        }
    }

    /// A tile of 7 to 12 rows and up to 32 columns; A's column p is `rows` consecutive floats. Rows
    /// past 6 are guarded, so a 10-row tile does 20 FMAs per k. A ragged right edge loads B masked.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel12x32(float* a, nint aK, float* b, nint bK, int kc, float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default, c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        var mask0 = ColumnMask(cols);
        var mask1 = ColumnMask(cols - 16);
        bool whole = cols == NR;
        for (int p = 0; p < kc; p++)
        {
            var b0 = whole ? Vector512.Load(b) : Avx512F.MaskLoad(b, mask0, Vector512<float>.Zero);
            var b1 = whole ? Vector512.Load(b + 16) : Avx512F.MaskLoad(b + 16, mask1, Vector512<float>.Zero);
            b += bK;
            { var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); }
            { var x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); }
            { var x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); }
            { var x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); }
            { var x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); }
            { var x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); }
            if (rows > 6) { var x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61); }
            if (rows > 7) { var x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71); }
            if (rows > 8) { var x = Vector512.Create(a[8]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81); }
            if (rows > 9) { var x = Vector512.Create(a[9]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91); }
            if (rows > 10) { var x = Vector512.Create(a[10]); c100 = Vector512.FusedMultiplyAdd(x, b0, c100); c101 = Vector512.FusedMultiplyAdd(x, b1, c101); }
            if (rows > 11) { var x = Vector512.Create(a[11]); c110 = Vector512.FusedMultiplyAdd(x, b0, c110); c111 = Vector512.FusedMultiplyAdd(x, b1, c111); }
            a += aK;
        }
        StoreRowMasked(c, c00, c01, mask0, mask1, accumulate);
        if (rows > 1) StoreRowMasked(c + 1 * ldc, c10, c11, mask0, mask1, accumulate);
        if (rows > 2) StoreRowMasked(c + 2 * ldc, c20, c21, mask0, mask1, accumulate);
        if (rows > 3) StoreRowMasked(c + 3 * ldc, c30, c31, mask0, mask1, accumulate);
        if (rows > 4) StoreRowMasked(c + 4 * ldc, c40, c41, mask0, mask1, accumulate);
        if (rows > 5) StoreRowMasked(c + 5 * ldc, c50, c51, mask0, mask1, accumulate);
        if (rows > 6) StoreRowMasked(c + 6 * ldc, c60, c61, mask0, mask1, accumulate);
        if (rows > 7) StoreRowMasked(c + 7 * ldc, c70, c71, mask0, mask1, accumulate);
        if (rows > 8) StoreRowMasked(c + 8 * ldc, c80, c81, mask0, mask1, accumulate);
        if (rows > 9) StoreRowMasked(c + 9 * ldc, c90, c91, mask0, mask1, accumulate);
        if (rows > 10) StoreRowMasked(c + 10 * ldc, c100, c101, mask0, mask1, accumulate);
        if (rows > 11) StoreRowMasked(c + 11 * ldc, c110, c111, mask0, mask1, accumulate);
    }

    /// Products with at most this many columns whose operands both run along k (a forward to the
    /// classifier's 10 outputs) go through `GemmDot`.
    const int DotWidth = 10;

    /// C(m, n <= 10) (+)= A(m, k) · B(k, n) with A(i, p) = a[i*aRow + p] and B(p, j) = b[p + j*bCol]:
    /// dot products along k, two rows of A against every column of B per pass, 16 k at a time, then
    /// each row's n sums reduced across lanes at once (`LaneTotals`). The 12x16 kernel broadcast one
    /// A entry per row and k into 16 lanes of which 10 were used (62.5% of peak at best, and load
    /// bound); here every lane does work but the k tail (200 = 12 x 16 + 8).
    static void GemmDot(float* a, nint aRow, float* b, nint bCol, float* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        // B's columns as 16-k blocks of all 10 (zero past n and past k), so the loop reads one
        // pointer at fixed offsets: branches and a pointer per column spilled the JIT's registers
        int blocks = (k + 15) / 16;
        var columns = ColumnMask(n);
        fixed (float* packed = PackBuffer(blocks * DotWidth * 16).Span)
        {
            for (int j = 0; j < DotWidth; j++)
                for (int p = 0; p < k; p += 16)
                {
                    var column = j < n ? Avx512F.MaskLoad(b + j * bCol + p, ColumnMask(k - p), Vector512<float>.Zero) : Vector512<float>.Zero;
                    column.Store(packed + p / 16 * DotWidth * 16 + j * 16);
                }
            for (int i = 0; i < m; i += 2)
            {
                float* x0 = a + i * aRow, x1 = i + 1 < m ? x0 + aRow : x0; // an odd last row is computed twice, stored once
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default, s8 = default, s9 = default;
                Vector512<float> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default, t8 = default, t9 = default;
                float* w = packed;
                int p = 0;
                for (; p + 16 <= k; p += 16, w += DotWidth * 16)
                {
                    var u = Vector512.Load(x0 + p);
                    var v = Vector512.Load(x1 + p);
                    { var wj = Vector512.Load(w + 0); s0 = Vector512.FusedMultiplyAdd(u, wj, s0); t0 = Vector512.FusedMultiplyAdd(v, wj, t0); }
                    { var wj = Vector512.Load(w + 16); s1 = Vector512.FusedMultiplyAdd(u, wj, s1); t1 = Vector512.FusedMultiplyAdd(v, wj, t1); }
                    { var wj = Vector512.Load(w + 32); s2 = Vector512.FusedMultiplyAdd(u, wj, s2); t2 = Vector512.FusedMultiplyAdd(v, wj, t2); }
                    { var wj = Vector512.Load(w + 48); s3 = Vector512.FusedMultiplyAdd(u, wj, s3); t3 = Vector512.FusedMultiplyAdd(v, wj, t3); }
                    { var wj = Vector512.Load(w + 64); s4 = Vector512.FusedMultiplyAdd(u, wj, s4); t4 = Vector512.FusedMultiplyAdd(v, wj, t4); }
                    { var wj = Vector512.Load(w + 80); s5 = Vector512.FusedMultiplyAdd(u, wj, s5); t5 = Vector512.FusedMultiplyAdd(v, wj, t5); }
                    { var wj = Vector512.Load(w + 96); s6 = Vector512.FusedMultiplyAdd(u, wj, s6); t6 = Vector512.FusedMultiplyAdd(v, wj, t6); }
                    { var wj = Vector512.Load(w + 112); s7 = Vector512.FusedMultiplyAdd(u, wj, s7); t7 = Vector512.FusedMultiplyAdd(v, wj, t7); }
                    { var wj = Vector512.Load(w + 128); s8 = Vector512.FusedMultiplyAdd(u, wj, s8); t8 = Vector512.FusedMultiplyAdd(v, wj, t8); }
                    { var wj = Vector512.Load(w + 144); s9 = Vector512.FusedMultiplyAdd(u, wj, s9); t9 = Vector512.FusedMultiplyAdd(v, wj, t9); }
                }
                if (p < k)
                {
                    // the tail, the same body with masked loads that read zeros past k (B's block is
                    // zero there already); one loop for both, masked or by a pointer to a padded
                    // copy, ran 1.3 to 3 times slower
                    var lanes = ColumnMask(k - p);
                    var u = Avx512F.MaskLoad(x0 + p, lanes, Vector512<float>.Zero);
                    var v = Avx512F.MaskLoad(x1 + p, lanes, Vector512<float>.Zero);
                    { var wj = Vector512.Load(w + 0); s0 = Vector512.FusedMultiplyAdd(u, wj, s0); t0 = Vector512.FusedMultiplyAdd(v, wj, t0); }
                    { var wj = Vector512.Load(w + 16); s1 = Vector512.FusedMultiplyAdd(u, wj, s1); t1 = Vector512.FusedMultiplyAdd(v, wj, t1); }
                    { var wj = Vector512.Load(w + 32); s2 = Vector512.FusedMultiplyAdd(u, wj, s2); t2 = Vector512.FusedMultiplyAdd(v, wj, t2); }
                    { var wj = Vector512.Load(w + 48); s3 = Vector512.FusedMultiplyAdd(u, wj, s3); t3 = Vector512.FusedMultiplyAdd(v, wj, t3); }
                    { var wj = Vector512.Load(w + 64); s4 = Vector512.FusedMultiplyAdd(u, wj, s4); t4 = Vector512.FusedMultiplyAdd(v, wj, t4); }
                    { var wj = Vector512.Load(w + 80); s5 = Vector512.FusedMultiplyAdd(u, wj, s5); t5 = Vector512.FusedMultiplyAdd(v, wj, t5); }
                    { var wj = Vector512.Load(w + 96); s6 = Vector512.FusedMultiplyAdd(u, wj, s6); t6 = Vector512.FusedMultiplyAdd(v, wj, t6); }
                    { var wj = Vector512.Load(w + 112); s7 = Vector512.FusedMultiplyAdd(u, wj, s7); t7 = Vector512.FusedMultiplyAdd(v, wj, t7); }
                    { var wj = Vector512.Load(w + 128); s8 = Vector512.FusedMultiplyAdd(u, wj, s8); t8 = Vector512.FusedMultiplyAdd(v, wj, t8); }
                    { var wj = Vector512.Load(w + 144); s9 = Vector512.FusedMultiplyAdd(u, wj, s9); t9 = Vector512.FusedMultiplyAdd(v, wj, t9); }
                }
                StoreMasked(c + i * ldc, LaneTotals(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9), columns, accumulate);
                if (i + 1 < m) StoreMasked(c + (i + 1) * ldc, LaneTotals(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9), columns, accumulate);
            }
        }
    }

    /// Lane j of the result is the sum of the 16 lanes of `a_j` (lanes 10 to 15 zero): pairs of
    /// vectors interleaved and added, first by floats, then by pairs of floats, then twice by
    /// 128-bit lanes, 11 shuffle pairs for 10 sums where 10 separate horizontal sums take 30.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> LaneTotals(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> a4,
                                       Vector512<float> a5, Vector512<float> a6, Vector512<float> a7, Vector512<float> a8, Vector512<float> a9)
    {
        var zero = Vector512<float>.Zero;
        // within each 128-bit lane: b_q holds partial sums of a_2q, a_2q+1 as (x, y, x, y)
        var b0 = Interleave(a0, a1); var b1 = Interleave(a2, a3); var b2 = Interleave(a4, a5);
        var b3 = Interleave(a6, a7); var b4 = Interleave(a8, a9);
        // within each 128-bit lane: c_q holds partial sums of a_4q .. a_4q+3
        var c0 = InterleavePairs(b0, b1); var c1 = InterleavePairs(b2, b3); var c2 = InterleavePairs(b4, zero);
        // across the 128-bit lanes: 128-bit lane q of the total holds a_4q .. a_4q+3
        return InterleaveLanes(InterleaveLanes(c0, c1), InterleaveLanes(c2, zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Interleave(Vector512<float> x, Vector512<float> y) => Avx512F.UnpackLow(x, y) + Avx512F.UnpackHigh(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> InterleavePairs(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle() + Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> InterleaveLanes(Vector512<float> x, Vector512<float> y) => Avx512F.Shuffle4x128(x, y, 0x88) + Avx512F.Shuffle4x128(x, y, 0xDD);

    /// C with at most 16 columns (the classifier's 10 outputs): one 16-wide panel and 12-row
    /// tiles, so a k step does 12 FMAs of 16 lanes with 10 useful, where the 6x32 kernel's 12 had
    /// 10 of 32. The same k-slices, so each entry sums in the same order as the wide path. The left
    /// operand is read in place (its k stride is 1 on every call that gets here); the last,
    /// partial tile is first copied into 12 zero-padded rows.
    static void GemmNarrow(float* a, nint aRow, nint aK, float* b, nint bK, nint bCol,
                           float* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        int slice = SliceDepth(k);
        int packLength = 16 * slice + NarrowRows * slice;
        fixed (float* packed = PackBuffer(packLength).Span)
        {
            float* rowsCopy = packed + 16 * slice;
            for (int k0 = 0; k0 < k; k0 += slice)
            {
                int kc = Math.Min(slice, k - k0);
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (k0 + p) * bK, dst = packed + p * 16;
                    for (int j = 0; j < n; j++) dst[j] = src[j * bCol];
                    for (int j = n; j < 16; j++) dst[j] = 0;
                }
                bool add = accumulate || k0 > 0;
                for (int i0 = 0; i0 < m; i0 += NarrowRows)
                {
                    int rows = Math.Min(NarrowRows, m - i0);
                    float* tile = a + i0 * aRow + k0 * aK;
                    nint tileRow = aRow;
                    if (rows < NarrowRows)
                    {
                        new Span<float>(rowsCopy, NarrowRows * kc).Clear();
                        for (int r = 0; r < rows; r++)
                            for (int p = 0; p < kc; p++) rowsCopy[r * kc + p] = tile[r * aRow + p * aK];
                        tile = rowsCopy;
                        tileRow = kc;
                    }
                    Kernel12x16(tile, tileRow, rows < NarrowRows ? 1 : aK, packed, kc, c + i0 * ldc, ldc, rows, n, add);
                }
            }
        }
    }

    const int NarrowRows = 12;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel12x16(float* a, nint aRow, nint aK, float* panel, int kc,
                            float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        // rows 6..11 through a second base pointer, so five row offsets serve both halves and
        // stay in registers (eleven offsets were reloaded from the stack on every k)
        float* a6 = a + 6 * aRow;
        nint o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int p = 0; p < kc; p++)
        {
            var w = Vector512.Load(panel);
            panel += 16;
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), w, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o1]), w, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o2]), w, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o3]), w, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o4]), w, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o5]), w, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[0]), w, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o1]), w, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o2]), w, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o3]), w, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o4]), w, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o5]), w, c11);
            a += aK;
            a6 += aK;
        }
        var mask = ColumnMask(cols);
        StoreMasked(c, c0, mask, accumulate);
        if (rows > 1) StoreMasked(c + 1 * ldc, c1, mask, accumulate);
        if (rows > 2) StoreMasked(c + 2 * ldc, c2, mask, accumulate);
        if (rows > 3) StoreMasked(c + 3 * ldc, c3, mask, accumulate);
        if (rows > 4) StoreMasked(c + 4 * ldc, c4, mask, accumulate);
        if (rows > 5) StoreMasked(c + 5 * ldc, c5, mask, accumulate);
        if (rows > 6) StoreMasked(c + 6 * ldc, c6, mask, accumulate);
        if (rows > 7) StoreMasked(c + 7 * ldc, c7, mask, accumulate);
        if (rows > 8) StoreMasked(c + 8 * ldc, c8, mask, accumulate);
        if (rows > 9) StoreMasked(c + 9 * ldc, c9, mask, accumulate);
        if (rows > 10) StoreMasked(c + 10 * ldc, c10, mask, accumulate);
        if (rows > 11) StoreMasked(c + 11 * ldc, c11, mask, accumulate);
    }
}
