// MatMul's products with a shallow k of at most 10, the signal below the classifier's 10 outputs
// (g = dOut W_3: 2000 rows of 200 from 10 terms each, in a G3 M=20 step). The blocked path spends
// 10 k steps per 6x32 tile between one kernel call's set-up and its 12 stores, and ran at 55-61%
// of peak; here two rows' k entries are broadcast once into registers and swept across every
// panel of B (packed, in L1), so each k step is two loads and four FMAs and C is written row
// after row. Each entry sums in the blocked path's order (k in turn; a last panel of at most 16
// columns by even and odd k, then the two added), so results do not depend on the path.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static unsafe partial class MatMul
{
    /// The deepest k `GemmShallow` takes: its 20 broadcast entries, four accumulators and two
    /// panel rows fill 26 of the 32 zmm registers.
    const int ShallowDepth = 10;

    /// C(m, n) (+)= A(m, k <= 10) · B(k, n), A(i, p) = a[i*aRow + p], B(p, j) = b[p*bK + j*bCol].
    static void GemmShallow(float* a, nint aRow, float* b, nint bK, nint bCol, float* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        int panels = PanelCount(n);
        fixed (float* packed = PackBuffer(panels * NR * k).Span)
        {
            PackPanels(b, bK, bCol, k, n, packed);
            for (int i = 0; i < m; i += 2)
            {
                // an odd last row is computed twice from the same entries, stored once
                float* a0 = a + i * aRow, a1 = i + 1 < m ? a0 + aRow : a0;
                ShallowRows(a0, a1, packed, k, c + i * ldc, i + 1 < m ? c + (i + 1) * ldc : null, n, accumulate);
            }
        }
    }

    /// Rows `c0` and `c1` (null: none) of C from their k entries at a0 and a1, all panels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ShallowRows(float* a0, float* a1, float* packed, int k, float* c0, float* c1, int n, bool accumulate)
    {
        // entries past k broadcast zero and multiply the panels' zero rows past k: never read
        var zero = Vector512<float>.Zero;
        Vector512<float> x0 = Vector512.Create(a0[0]), x1 = k > 1 ? Vector512.Create(a0[1]) : zero, x2 = k > 2 ? Vector512.Create(a0[2]) : zero;
        Vector512<float> x3 = k > 3 ? Vector512.Create(a0[3]) : zero, x4 = k > 4 ? Vector512.Create(a0[4]) : zero, x5 = k > 5 ? Vector512.Create(a0[5]) : zero;
        Vector512<float> x6 = k > 6 ? Vector512.Create(a0[6]) : zero, x7 = k > 7 ? Vector512.Create(a0[7]) : zero, x8 = k > 8 ? Vector512.Create(a0[8]) : zero;
        Vector512<float> x9 = k > 9 ? Vector512.Create(a0[9]) : zero;
        Vector512<float> y0 = Vector512.Create(a1[0]), y1 = k > 1 ? Vector512.Create(a1[1]) : zero, y2 = k > 2 ? Vector512.Create(a1[2]) : zero;
        Vector512<float> y3 = k > 3 ? Vector512.Create(a1[3]) : zero, y4 = k > 4 ? Vector512.Create(a1[4]) : zero, y5 = k > 5 ? Vector512.Create(a1[5]) : zero;
        Vector512<float> y6 = k > 6 ? Vector512.Create(a1[6]) : zero, y7 = k > 7 ? Vector512.Create(a1[7]) : zero, y8 = k > 8 ? Vector512.Create(a1[8]) : zero;
        Vector512<float> y9 = k > 9 ? Vector512.Create(a1[9]) : zero;
        for (int j0 = 0; j0 < n; j0 += NR, packed += NR * k)
        {
            int cols = Math.Min(NR, n - j0);
            float* p = packed;
            if (cols <= 16)
            {
                // Kernel6x16's order: even and odd k apart
                Vector512<float> s = zero, t = zero, u = zero, v = zero;
                s = Vector512.FusedMultiplyAdd(x0, Vector512.Load(p), s); u = Vector512.FusedMultiplyAdd(y0, Vector512.Load(p), u);
                if (k > 1) { var r = Vector512.Load(p + NR); t = Vector512.FusedMultiplyAdd(x1, r, t); v = Vector512.FusedMultiplyAdd(y1, r, v); }
                if (k > 2) { var r = Vector512.Load(p + 2 * NR); s = Vector512.FusedMultiplyAdd(x2, r, s); u = Vector512.FusedMultiplyAdd(y2, r, u); }
                if (k > 3) { var r = Vector512.Load(p + 3 * NR); t = Vector512.FusedMultiplyAdd(x3, r, t); v = Vector512.FusedMultiplyAdd(y3, r, v); }
                if (k > 4) { var r = Vector512.Load(p + 4 * NR); s = Vector512.FusedMultiplyAdd(x4, r, s); u = Vector512.FusedMultiplyAdd(y4, r, u); }
                if (k > 5) { var r = Vector512.Load(p + 5 * NR); t = Vector512.FusedMultiplyAdd(x5, r, t); v = Vector512.FusedMultiplyAdd(y5, r, v); }
                if (k > 6) { var r = Vector512.Load(p + 6 * NR); s = Vector512.FusedMultiplyAdd(x6, r, s); u = Vector512.FusedMultiplyAdd(y6, r, u); }
                if (k > 7) { var r = Vector512.Load(p + 7 * NR); t = Vector512.FusedMultiplyAdd(x7, r, t); v = Vector512.FusedMultiplyAdd(y7, r, v); }
                if (k > 8) { var r = Vector512.Load(p + 8 * NR); s = Vector512.FusedMultiplyAdd(x8, r, s); u = Vector512.FusedMultiplyAdd(y8, r, u); }
                if (k > 9) { var r = Vector512.Load(p + 9 * NR); t = Vector512.FusedMultiplyAdd(x9, r, t); v = Vector512.FusedMultiplyAdd(y9, r, v); }
                var mask = ColumnMask(cols);
                StoreMasked(c0 + j0, s + t, mask, accumulate);
                if (c1 != null) StoreMasked(c1 + j0, u + v, mask, accumulate);
                continue;
            }
            // Kernel6x32's order: k in turn
            Vector512<float> s0 = zero, s1 = zero, u0 = zero, u1 = zero;
            { var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x0, r0, s0); s1 = Vector512.FusedMultiplyAdd(x0, r1, s1); u0 = Vector512.FusedMultiplyAdd(y0, r0, u0); u1 = Vector512.FusedMultiplyAdd(y0, r1, u1); }
            if (k > 1) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x1, r0, s0); s1 = Vector512.FusedMultiplyAdd(x1, r1, s1); u0 = Vector512.FusedMultiplyAdd(y1, r0, u0); u1 = Vector512.FusedMultiplyAdd(y1, r1, u1); }
            if (k > 2) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x2, r0, s0); s1 = Vector512.FusedMultiplyAdd(x2, r1, s1); u0 = Vector512.FusedMultiplyAdd(y2, r0, u0); u1 = Vector512.FusedMultiplyAdd(y2, r1, u1); }
            if (k > 3) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x3, r0, s0); s1 = Vector512.FusedMultiplyAdd(x3, r1, s1); u0 = Vector512.FusedMultiplyAdd(y3, r0, u0); u1 = Vector512.FusedMultiplyAdd(y3, r1, u1); }
            if (k > 4) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x4, r0, s0); s1 = Vector512.FusedMultiplyAdd(x4, r1, s1); u0 = Vector512.FusedMultiplyAdd(y4, r0, u0); u1 = Vector512.FusedMultiplyAdd(y4, r1, u1); }
            if (k > 5) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x5, r0, s0); s1 = Vector512.FusedMultiplyAdd(x5, r1, s1); u0 = Vector512.FusedMultiplyAdd(y5, r0, u0); u1 = Vector512.FusedMultiplyAdd(y5, r1, u1); }
            if (k > 6) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x6, r0, s0); s1 = Vector512.FusedMultiplyAdd(x6, r1, s1); u0 = Vector512.FusedMultiplyAdd(y6, r0, u0); u1 = Vector512.FusedMultiplyAdd(y6, r1, u1); }
            if (k > 7) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x7, r0, s0); s1 = Vector512.FusedMultiplyAdd(x7, r1, s1); u0 = Vector512.FusedMultiplyAdd(y7, r0, u0); u1 = Vector512.FusedMultiplyAdd(y7, r1, u1); }
            if (k > 8) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x8, r0, s0); s1 = Vector512.FusedMultiplyAdd(x8, r1, s1); u0 = Vector512.FusedMultiplyAdd(y8, r0, u0); u1 = Vector512.FusedMultiplyAdd(y8, r1, u1); }
            if (k > 9) { p += NR; var r0 = Vector512.Load(p); var r1 = Vector512.Load(p + 16); s0 = Vector512.FusedMultiplyAdd(x9, r0, s0); s1 = Vector512.FusedMultiplyAdd(x9, r1, s1); u0 = Vector512.FusedMultiplyAdd(y9, r0, u0); u1 = Vector512.FusedMultiplyAdd(y9, r1, u1); }
            if (cols == NR)
            {
                StoreRow(c0 + j0, s0, s1, accumulate);
                if (c1 != null) StoreRow(c1 + j0, u0, u1, accumulate);
            }
            else
            {
                var mask0 = ColumnMask(cols);
                var mask1 = ColumnMask(cols - 16);
                StoreRowMasked(c0 + j0, s0, s1, mask0, mask1, accumulate);
                if (c1 != null) StoreRowMasked(c1 + j0, u0, u1, mask0, mask1, accumulate);
            }
        }
    }
}
