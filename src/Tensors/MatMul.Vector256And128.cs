// MatMul's Vector256 and Vector128 paths, one generic blocked product for both widths (`IVec`):
// the Vector512 path's k-slices, 32-column panels and 6-row tiles (the same packed layout, so
// `PackedWeights` serves every path), swept by micro-kernels of 6 rows and two vectors: 6x16 with
// AVX2 and 6x8 with 128-bit vectors, twelve accumulators, two loads and a broadcast per k, 15 of
// the 16 ymm (or x86's xmm) registers. A 32-column panel is read as two (or four) such strips one
// after another, while panel and tile stay in L1.
//   Gemm<TV, Vec>         slices, packing, tiles and strips
//   Kernel6x2 / Kernel6x1 the micro-kernels; the one-vector kernel takes a matrix's last strip of at
//                         most one vector (200 = 12 x 16 + 8 with AVX2) with even and odd k summed
//                         apart, so that it keeps twelve FMA chains in flight as the wide one does
//   PackPanels<TV, Vec>   B's panels: rows copied, or (Forward's W rows) transposed in square blocks
//                         in registers (`Vec.Transpose`); ragged and strided panels scalar
// Each entry sums its slice's k in turn (its last strip's by even and odd k, then the two added),
// then the slices in turn.
using System.Runtime.CompilerServices;

namespace SimdSfnn.Tensors;

internal static unsafe partial class MatMul
{
    static void Gemm<TV, Vec>(float* a, nint aRow, nint aK, float* b, nint bK, nint bCol,
                              float* c, nint ldc, int m, int n, int k, bool accumulate, float* prepacked)
        where TV : struct where Vec : IVec<TV>
    {
        int panels = PanelCount(n);
        int slice = SliceDepth(k);
        var pack = PackBuffer(prepacked != null ? 0 : panels * NR * slice);
        // a left operand strided along k (the weight gradient's G^T) is packed into 6-row tiles
        bool packLeft = aRow == 1 && aK != 1;
        int rowBlock = RowBlock(m, slice);
        var left = AtLeast(ref leftPackBuffer, packLeft ? (rowBlock + MR - 1) / MR * MR * slice : 0);
        // with few rows of C each packed panel would serve a tile or two: whole panels of a
        // row-contiguous B are read in place, the ragged last one packed
        bool inPlace = bCol == 1 && m <= 4 * MR && prepacked == null;
        int wholePanels = n / NR, strip = 2 * Vec.Count;
        fixed (float* packBase = pack.Span, leftPacked = left.Span)
            for (int k0 = 0; k0 < k; k0 += slice)
            {
                int kc = Math.Min(slice, k - k0);
                float* packed = prepacked != null ? prepacked + k0 * panels * NR : packBase;
                if (prepacked == null && !inPlace) PackPanels<TV, Vec>(b + k0 * bK, bK, bCol, kc, n, packed);
                else if (inPlace && wholePanels < panels) PackPanels<TV, Vec>(b + k0 * bK + wholePanels * NR, bK, bCol, kc, n - wholePanels * NR, packed + wholePanels * NR * kc);
                bool add = accumulate || k0 > 0;
                for (int ib = 0; ib < m; ib += rowBlock)
                {
                int mb = Math.Min(rowBlock, m - ib);
                if (packLeft) PackTiles(a + k0 * aK + ib, aK, kc, mb, leftPacked);
                for (int p = 0; p < panels; p++)
                {
                    int j0 = p * NR, cols = Math.Min(NR, n - j0);
                    bool direct = inPlace && p < wholePanels;
                    float* panel = direct ? b + k0 * bK + j0 : packed + p * NR * kc;
                    nint panelRow = direct ? bK : NR;
                    for (int i0 = ib; i0 < ib + mb; i0 += MR)
                    {
                        float* tile = packLeft ? leftPacked + (i0 - ib) * kc : a + i0 * aRow + k0 * aK;
                        nint tileRow = packLeft ? 1 : aRow, tileK = packLeft ? MR : aK;
                        int rows = Math.Min(MR, m - i0);
                        for (int s = 0; s < cols; s += strip)
                        {
                            int width = Math.Min(strip, cols - s);
                            float* target = c + i0 * ldc + j0 + s;
                            if (width <= Vec.Count) Kernel6x1<TV, Vec>(tile, tileRow, tileK, panel + s, panelRow, kc, target, ldc, rows, width, add);
                            else Kernel6x2<TV, Vec>(tile, tileRow, tileK, panel + s, panelRow, kc, target, ldc, rows, width, add);
                        }
                    }
                }
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x2<TV, Vec>(float* a, nint aRow, nint aK, float* panel, nint panelRow, int kc,
                                   float* c, nint ldc, int rows, int cols, bool accumulate)
        where TV : struct where Vec : IVec<TV>
    {
        // missing rows of an edge tile re-read row 0; their results are never stored
        nint o1 = rows > 1 ? aRow : 0, o2 = rows > 2 ? 2 * aRow : 0, o3 = rows > 3 ? 3 * aRow : 0;
        nint o4 = rows > 4 ? 4 * aRow : 0, o5 = rows > 5 ? 5 * aRow : 0;
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TV c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vec.Load(panel);
            var b1 = Vec.Load(panel + Vec.Count);
            panel += panelRow;
            var x = Vec.Create(a[0]);
            c00 = Vec.Fma(x, b0, c00); c01 = Vec.Fma(x, b1, c01);
            x = Vec.Create(a[o1]);
            c10 = Vec.Fma(x, b0, c10); c11 = Vec.Fma(x, b1, c11);
            x = Vec.Create(a[o2]);
            c20 = Vec.Fma(x, b0, c20); c21 = Vec.Fma(x, b1, c21);
            x = Vec.Create(a[o3]);
            c30 = Vec.Fma(x, b0, c30); c31 = Vec.Fma(x, b1, c31);
            x = Vec.Create(a[o4]);
            c40 = Vec.Fma(x, b0, c40); c41 = Vec.Fma(x, b1, c41);
            x = Vec.Create(a[o5]);
            c50 = Vec.Fma(x, b0, c50); c51 = Vec.Fma(x, b1, c51);
            a += aK;
        }
        StoreRow<TV, Vec>(c, c00, c01, cols, accumulate);
        if (rows > 1) StoreRow<TV, Vec>(c + ldc, c10, c11, cols, accumulate);
        if (rows > 2) StoreRow<TV, Vec>(c + 2 * ldc, c20, c21, cols, accumulate);
        if (rows > 3) StoreRow<TV, Vec>(c + 3 * ldc, c30, c31, cols, accumulate);
        if (rows > 4) StoreRow<TV, Vec>(c + 4 * ldc, c40, c41, cols, accumulate);
        if (rows > 5) StoreRow<TV, Vec>(c + 5 * ldc, c50, c51, cols, accumulate);
    }

    /// A strip of at most one vector: two sets of six accumulators, for even and odd k.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x1<TV, Vec>(float* a, nint aRow, nint aK, float* panel, nint panelRow, int kc,
                                   float* c, nint ldc, int rows, int cols, bool accumulate)
        where TV : struct where Vec : IVec<TV>
    {
        nint o1 = rows > 1 ? aRow : 0, o2 = rows > 2 ? 2 * aRow : 0, o3 = rows > 3 ? 3 * aRow : 0;
        nint o4 = rows > 4 ? 4 * aRow : 0, o5 = rows > 5 ? 5 * aRow : 0;
        TV c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        TV e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            var b = Vec.Load(panel);
            var f = Vec.Load(panel + panelRow);
            panel += 2 * panelRow;
            c0 = Vec.Fma(Vec.Create(a[0]), b, c0);
            c1 = Vec.Fma(Vec.Create(a[o1]), b, c1);
            c2 = Vec.Fma(Vec.Create(a[o2]), b, c2);
            c3 = Vec.Fma(Vec.Create(a[o3]), b, c3);
            c4 = Vec.Fma(Vec.Create(a[o4]), b, c4);
            c5 = Vec.Fma(Vec.Create(a[o5]), b, c5);
            a += aK;
            e0 = Vec.Fma(Vec.Create(a[0]), f, e0);
            e1 = Vec.Fma(Vec.Create(a[o1]), f, e1);
            e2 = Vec.Fma(Vec.Create(a[o2]), f, e2);
            e3 = Vec.Fma(Vec.Create(a[o3]), f, e3);
            e4 = Vec.Fma(Vec.Create(a[o4]), f, e4);
            e5 = Vec.Fma(Vec.Create(a[o5]), f, e5);
            a += aK;
        }
        if (p < kc)
        {
            var b = Vec.Load(panel);
            c0 = Vec.Fma(Vec.Create(a[0]), b, c0);
            c1 = Vec.Fma(Vec.Create(a[o1]), b, c1);
            c2 = Vec.Fma(Vec.Create(a[o2]), b, c2);
            c3 = Vec.Fma(Vec.Create(a[o3]), b, c3);
            c4 = Vec.Fma(Vec.Create(a[o4]), b, c4);
            c5 = Vec.Fma(Vec.Create(a[o5]), b, c5);
        }
        StoreFirst<TV, Vec>(c, Vec.Add(c0, e0), cols, accumulate);
        if (rows > 1) StoreFirst<TV, Vec>(c + ldc, Vec.Add(c1, e1), cols, accumulate);
        if (rows > 2) StoreFirst<TV, Vec>(c + 2 * ldc, Vec.Add(c2, e2), cols, accumulate);
        if (rows > 3) StoreFirst<TV, Vec>(c + 3 * ldc, Vec.Add(c3, e3), cols, accumulate);
        if (rows > 4) StoreFirst<TV, Vec>(c + 4 * ldc, Vec.Add(c4, e4), cols, accumulate);
        if (rows > 5) StoreFirst<TV, Vec>(c + 5 * ldc, Vec.Add(c5, e5), cols, accumulate);
    }

    /// Writes (or adds) the first `cols` of a row's two vectors; columns past them are neither
    /// read nor written (they may be another worker's).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<TV, Vec>(float* c, TV v0, TV v1, int cols, bool accumulate) where TV : struct where Vec : IVec<TV>
    {
        if (accumulate) v0 = Vec.Add(v0, Vec.Load(c));
        Vec.Store(v0, c);
        StoreFirst<TV, Vec>(c + Vec.Count, v1, cols - Vec.Count, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreFirst<TV, Vec>(float* c, TV v, int cols, bool accumulate) where TV : struct where Vec : IVec<TV>
    {
        if (cols >= Vec.Count)
        {
            if (accumulate) v = Vec.Add(v, Vec.Load(c));
            Vec.Store(v, c);
            return;
        }
        if (accumulate) v = Vec.Add(v, Vec.LoadFirst(c, cols));
        Vec.StoreFirst(v, c, cols);
    }

    /// Panel p holds B(0..kc, 32p..32p+31) as kc rows of 32 floats; columns past n are zero.
    static void PackPanels<TV, Vec>(float* b, nint bK, nint bCol, int kc, int n, float* packed) where TV : struct where Vec : IVec<TV>
    {
        int panels = PanelCount(n), v = Vec.Count;
        for (int p = 0; p < panels; p++)
        {
            float* dst = packed + p * NR * kc;
            int j0 = p * NR, cols = Math.Min(NR, n - j0);
            if (bCol == 1 && cols == NR)
            {
                for (int r = 0; r < kc; r++)
                    for (int j = 0; j < NR; j += v) Vec.Store(Vec.Load(b + r * bK + j0 + j), dst + r * NR + j);
                continue;
            }
            if (bK == 1 && cols == NR)
            {
                // Forward's W rows: square blocks transposed in registers, the last kc % v rows scalar
                int whole = kc / v * v;
                for (int r = 0; r < whole; r += v)
                    for (int j = 0; j < NR; j += v) Vec.Transpose(b + (j0 + j) * bCol + r, bCol, dst + r * NR + j, NR);
                for (int j = 0; j < NR; j++)
                    for (int r = whole; r < kc; r++) dst[r * NR + j] = b[(j0 + j) * bCol + r];
                continue;
            }
            // strided or ragged: walk the source contiguously (j outer when bK == 1)
            new Span<float>(dst, NR * kc).Clear();
            for (int j = 0; j < cols; j++)
            {
                float* src = b + (j0 + j) * bCol;
                for (int r = 0; r < kc; r++) dst[r * NR + j] = src[r * bK];
            }
        }
    }
}
