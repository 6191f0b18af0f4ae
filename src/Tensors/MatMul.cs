// MatMul: the three matrix products of a training step, all row-major.
//   Forward         C(B,H)  = X(B,D) · W(H,D)^T        (pre-activations; W as stored)
//   InputGradient   C(B,D)  = G(B,H) · W(H,D)          (back-propagated signal)
//   WeightGradient  C(H,D) += G(B,H)^T · X(B,D)        (accumulates over the batch)
// PackForward packs a W for Forward, PackInputGradient a W for InputGradient (as Forward by W^T).
// Variants: Reference (plain triple loop), a blocked Vector512 FMA path (here), and the Vector256
// and Vector128 paths (MatMul.Vector256And128.cs, one generic kernel for both). The Vector512 one has a 6x16 kernel
// for a last panel of at most 16 columns; ragged edges are written with masked stores. Products
// with at most 16 columns or 12 rows of C (the classifier's output layer) have kernels of their
// own, in MatMulNarrow.cs. Hand-written
// because TensorPrimitives has no matrix product. The blocked path packs a K-slice of the
// right operand into 32-column panels (zero-padded), then sweeps 6-row tiles of the left
// operand against each panel while the panel stays in L1 (a BLIS-style 6x32 micro-kernel:
// 12 zmm accumulators, two loads and six broadcasts per k).
// A left operand that is strided along k (the weight gradient's G^T) is packed as well, into
// 6-row tiles, so that each k reads 24 contiguous bytes instead of one cache line per row.
// A slice's left operand of more than 512 KiB (the GSN's weight gradients, 1500 rows of C) is
// swept 120 rows at a time against every panel (BLIS's MC loop), so that its tiles stay in L2;
// every entry of C still gets the same sums in the same order. A prepacked B's panels are
// prefetched into L2 four panels ahead.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static unsafe partial class MatMul
{
    const int MR = 6;   // rows of C per micro-kernel call
    const int NR = 32;  // columns of C per micro-kernel call: two Vector512<float>
    const int KC = 256; // k-slice: one packed panel (KC x NR floats = 32 KiB) fits L1
    // Rows of C per sweep of a slice's panels when the slice's left operand is larger than
    // 512 KiB: their tiles (MC x KC floats = 120 KiB) stay in L2 while every panel passes. The
    // GSN's weight gradients swept all 1500 rows at once (1.2 MiB at a 200-deep slice, more than a
    // Zen 5 core's 1 MiB L2) and ran at 62-66% of the FMA peak instead of 82-86% (one thread);
    // at 50 deep (300 KiB) the blocks made its step slower (98-103 CPU ms against 89-93).
    const int MC = 120;
    const int PanelsAhead = 4; // how far ahead a prepacked B's panels are asked into L2
    static int RowBlock(int m, int slice) => (long)m * slice <= 128 * 1024 ? m : MC;

    // Packed operands start on a cache line, as the kernels' vector loads then never span two:
    // from a plain array's start, which is only 8-byte aligned, nearly every packed load did.
    [ThreadStatic] static AlignedBuffer? packBuffer;
    [ThreadStatic] static AlignedBuffer? leftPackBuffer;

    /// This thread's buffer for packed panels of B, at least `length` floats.
    static AlignedBuffer PackBuffer(int length) => AtLeast(ref packBuffer, Math.Max(length, NR * KC));

    /// `buffer`, replaced by a larger one first if it holds fewer than `length` floats.
    static AlignedBuffer AtLeast(ref AlignedBuffer? buffer, int length) =>
        buffer is { } held && held.Length >= length ? held : buffer = new AlignedBuffer(length);

    /// `c[i*H + j] = sum_k x[i*D + k] * w[j*D + k]` (B rows, D inputs, H outputs).
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> c, int B, int D, int H)
    {
        CheckLengths(x.Length, B * D, w.Length, H * D, c.Length, B * H);
        Forward(x, D, w, D, c, H, B, D, H);
    }

    /// `Forward` by weights packed with `PackForward`: the same sums in the same order.
    public static void Forward(ReadOnlySpan<float> x, PackedWeights w, Span<float> c, int B)
    {
        int D = w.Inputs, H = w.Outputs;
        CheckLengths(x.Length, B * D, H * D, H * D, c.Length, B * H);
        fixed (float* px = x, pc = c, packed = w.Buffer.Span)
            Gemm(px, D, 1, null, 1, D, pc, H, B, H, D, accumulate: false, packed);
    }

    /// `c[i*H + j] += sum_k x[i*D + k] * w[j*D + k]`: `Forward` added to what c holds, for a
    /// pre-activation with two inputs (the GSN's layer below and layer above).
    public static void ForwardAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> c, int B, int D, int H)
    {
        CheckLengths(x.Length, B * D, w.Length, H * D, c.Length, B * H);
        fixed (float* px = x, pw = w, pc = c)
            Gemm(px, D, 1, pw, 1, D, pc, H, B, H, D, accumulate: true);
    }

    /// `c[i*D + j] += sum_k g[i*H + k] * w[k*D + j]`: `InputGradient` added to what c holds.
    public static void InputGradientAdd(ReadOnlySpan<float> g, ReadOnlySpan<float> w, Span<float> c, int B, int H, int D)
    {
        CheckLengths(g.Length, B * H, w.Length, H * D, c.Length, B * D);
        fixed (float* pg = g, pw = w, pc = c)
            Gemm(pg, H, 1, pw, D, 1, pc, D, B, D, H, accumulate: true);
    }

    /// `ForwardAdd` by weights packed with `PackForward`: `c += x W^T`, the same sums in the same order.
    public static void ForwardAdd(ReadOnlySpan<float> x, PackedWeights w, Span<float> c, int B)
    {
        ArgumentNullException.ThrowIfNull(w);
        int D = w.Inputs, H = w.Outputs;
        CheckLengths(x.Length, B * D, H * D, H * D, c.Length, B * H);
        fixed (float* px = x, pc = c, packed = w.Buffer.Span)
            Gemm(px, D, 1, null, 1, D, pc, H, B, H, D, accumulate: true, packed);
    }

    /// Packs panels `[part * P / parts, (part + 1) * P / parts)` of every k-slice of `w` (H, D)
    /// into `packed`; calling it for every part of the same count fills it.
    public static void PackForward(ReadOnlySpan<float> w, PackedWeights packed, int part = 0, int parts = 1)
    {
        int D = packed.Inputs, H = packed.Outputs, panels = packed.Panels;
        if (w.Length != H * D) SfnnThrow.ArgumentLength("weights", w.Length, H * D);
        if (parts < 1 || (uint)part >= (uint)parts) SfnnThrow.Argument("part must lie in [0, parts)");
        int first = (int)((long)panels * part / parts), end = (int)((long)panels * (part + 1) / parts);
        if (first == end || D == 0) return;
        int slice = SliceDepth(D);
        fixed (float* pw = w, destination = packed.Buffer.Span)
            for (int k0 = 0; k0 < D; k0 += slice)
            {
                int kc = Math.Min(slice, D - k0), j0 = first * NR;
                PackPanels(pw + k0 + j0 * (nint)D, 1, D, kc, Math.Min(H, end * NR) - j0, destination + k0 * panels * NR + j0 * kc);
            }
    }

    /// Packs `w` (H, D) the way `Forward` packs the weights `W^T` (D, H): panels
    /// `[part * P / parts, (part + 1) * P / parts)` of every k-slice (k along H, panels along D),
    /// so that `Forward(g, packed, c, B)` is `InputGradient(g, w, c, B, H, D)` (`c = g W`) without
    /// packing W on every call: the GSN's downward products by its tied weights.
    public static void PackInputGradient(ReadOnlySpan<float> w, PackedWeights packed, int part = 0, int parts = 1)
    {
        ArgumentNullException.ThrowIfNull(packed);
        int H = packed.Inputs, D = packed.Outputs, panels = packed.Panels;
        if (w.Length != H * D) SfnnThrow.ArgumentLength("weights", w.Length, H * D);
        if (parts < 1 || (uint)part >= (uint)parts) SfnnThrow.Argument("part must lie in [0, parts)");
        int first = (int)((long)panels * part / parts), end = (int)((long)panels * (part + 1) / parts);
        if (first == end || H == 0) return;
        int slice = SliceDepth(H);
        fixed (float* pw = w, destination = packed.Buffer.Span)
            for (int k0 = 0; k0 < H; k0 += slice)
            {
                int kc = Math.Min(slice, H - k0), j0 = first * NR;
                PackPanels(pw + k0 * (nint)D + j0, D, 1, kc, Math.Min(D, end * NR) - j0, destination + k0 * panels * NR + j0 * kc);
            }
    }

    /// Products with at most this many columns run through the narrow 12x16 kernel.
    public const int NarrowWidth = 16;
    /// Rows of W per packed panel.
    public const int PanelWidth = NR;
    internal static int PanelCount(int n) => (n + NR - 1) / NR;

    /// Equal k-slices of at most KC: 784 = 4 x 196, not 3 x 256 + 16 (a thin last slice costs
    /// a whole pass over C for little work).
    static int SliceDepth(int k) => (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC);

    /// `c[i*D + j] = sum_k g[i*H + k] * w[k*D + j]`.
    public static void InputGradient(ReadOnlySpan<float> g, ReadOnlySpan<float> w, Span<float> c, int B, int H, int D)
    {
        CheckLengths(g.Length, B * H, w.Length, H * D, c.Length, B * D);
        InputGradient(g, H, w, D, c, D, B, H, D);
    }

    /// `c[i*D + j] += sum_k g[k*H + i] * x[k*D + j]` (sum over the B rows); with `accumulate`
    /// false, `=` (whatever c held).
    public static void WeightGradient(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> c, int B, int H, int D, bool accumulate = true)
    {
        CheckLengths(g.Length, B * H, x.Length, B * D, c.Length, H * D);
        WeightGradient(g, H, x, D, c, D, B, H, D, accumulate);
    }

    /// The three products on strided matrices (`ld*`: floats from one row to the next), so that a
    /// worker can multiply by a band of W's rows or columns and read or write its columns of a
    /// wider matrix in place; the contiguous ones above are these with `ld` the row width:
    /// `c[i*ldc + j] = sum_k x[i*ldx + k] * w[j*ldw + k]`.
    public static void Forward(ReadOnlySpan<float> x, int ldx, ReadOnlySpan<float> w, int ldw, Span<float> c, int ldc, int B, int D, int H)
    {
        CheckStrided(x.Length, B, D, ldx, w.Length, H, D, ldw, c.Length, B, H, ldc);
        fixed (float* px = x, pw = w, pc = c)
            Gemm(px, ldx, 1, pw, 1, ldw, pc, ldc, B, H, D, accumulate: false);
    }

    /// `c[i*ldc + j] = sum_k g[i*ldg + k] * w[k*ldw + j]`.
    public static void InputGradient(ReadOnlySpan<float> g, int ldg, ReadOnlySpan<float> w, int ldw, Span<float> c, int ldc, int B, int H, int D)
    {
        CheckStrided(g.Length, B, H, ldg, w.Length, H, D, ldw, c.Length, B, D, ldc);
        fixed (float* pg = g, pw = w, pc = c)
            Gemm(pg, ldg, 1, pw, ldw, 1, pc, ldc, B, D, H, accumulate: false);
    }

    /// `c[i*ldc + j] (+)= sum_k g[k*ldg + i] * x[k*ldx + j]` (sum over the B rows).
    public static void WeightGradient(ReadOnlySpan<float> g, int ldg, ReadOnlySpan<float> x, int ldx, Span<float> c, int ldc,
                                      int B, int H, int D, bool accumulate)
    {
        CheckStrided(g.Length, B, H, ldg, x.Length, B, D, ldx, c.Length, H, D, ldc);
        fixed (float* pg = g, px = x, pc = c)
            Gemm(pg, 1, ldg, px, ldx, 1, pc, ldc, H, D, B, accumulate);
    }

    /// Each operand a (rows, cols) matrix with rows `ld` apart: `ld >= cols` and a span that
    /// reaches the last row's last entry.
    static void CheckStrided(int a, int aRows, int aCols, int lda, int b, int bRows, int bCols, int ldb, int c, int cRows, int cCols, int ldc)
    {
        static void Check(string name, int length, int rows, int cols, int ld)
        {
            if (ld < cols) SfnnThrow.Argument($"the {name}'s rows are {ld} floats apart, fewer than its {cols} columns");
            long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
            if (length < needed) SfnnThrow.ArgumentLength(name, length, (int)needed);
        }
        Check("left operand", a, aRows, aCols, lda);
        Check("right operand", b, bRows, bCols, ldb);
        Check("destination", c, cRows, cCols, ldc);
    }

    public static void ForwardReference(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> c, int B, int D, int H)
    {
        CheckLengths(x.Length, B * D, w.Length, H * D, c.Length, B * H);
        for (int i = 0; i < B; i++)
            for (int j = 0; j < H; j++)
            {
                float sum = 0;
                for (int k = 0; k < D; k++) sum += x[i * D + k] * w[j * D + k];
                c[i * H + j] = sum;
            }
    }

    public static void InputGradientReference(ReadOnlySpan<float> g, ReadOnlySpan<float> w, Span<float> c, int B, int H, int D)
    {
        CheckLengths(g.Length, B * H, w.Length, H * D, c.Length, B * D);
        for (int i = 0; i < B; i++)
            for (int j = 0; j < D; j++)
            {
                float sum = 0;
                for (int k = 0; k < H; k++) sum += g[i * H + k] * w[k * D + j];
                c[i * D + j] = sum;
            }
    }

    public static void WeightGradientReference(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> c, int B, int H, int D)
    {
        CheckLengths(g.Length, B * H, x.Length, B * D, c.Length, H * D);
        for (int i = 0; i < H; i++)
            for (int j = 0; j < D; j++)
            {
                float sum = 0;
                for (int k = 0; k < B; k++) sum += g[k * H + i] * x[k * D + j];
                c[i * D + j] += sum;
            }
    }

    static void CheckLengths(int a, int aExpected, int b, int bExpected, int c, int cExpected)
    {
        if (a != aExpected) SfnnThrow.ArgumentLength("left operand", a, aExpected);
        if (b != bExpected) SfnnThrow.ArgumentLength("right operand", b, bExpected);
        if (c != cExpected) SfnnThrow.ArgumentLength("destination", c, cExpected);
    }

    /// C(m,n) (+)= A(m,k) · B(k,n), where A(i,p) = a[i*aRow + p*aK] and B(p,j) = b[p*bK + j*bCol],
    /// or B already packed (`PackForward`: every slice's panels, one slice after another).
    static void Gemm(float* a, nint aRow, nint aK, float* b, nint bK, nint bCol,
                     float* c, nint ldc, int m, int n, int k, bool accumulate, float* prepacked = null)
    {
        if (m == 0 || n == 0) return;
        if (k > 0 && KernelIsa.UseVector256)
        {
            Gemm<Vector256<float>, Vec256>(a, aRow, aK, b, bK, bCol, c, ldc, m, n, k, accumulate, prepacked);
            return;
        }
        if (k > 0 && KernelIsa.UseVector128)
        {
            Gemm<Vector128<float>, Vec128>(a, aRow, aK, b, bK, bCol, c, ldc, m, n, k, accumulate, prepacked);
            return;
        }
        if (KernelIsa.Current != Isa.Vector512 || k == 0)
        {
            if (prepacked == null) GemmScalar(a, aRow, aK, b, bK, bCol, c, ldc, m, n, k, accumulate);
            else ForwardPackedScalar(a, aRow, prepacked, c, ldc, m, n, k, accumulate);
            return;
        }
        bool packLeftNeeded = aRow == 1 && aK != 1;
        if (n <= DotWidth && aK == 1 && bK == 1 && prepacked == null)
        {
            GemmDot(a, aRow, b, bCol, c, ldc, m, n, k, accumulate);
            return;
        }
        if (n <= NarrowWidth && !packLeftNeeded && prepacked == null)
        {
            GemmNarrow(a, aRow, aK, b, bK, bCol, c, ldc, m, n, k, accumulate);
            return;
        }
        if (m <= FewRows && m > MR && aRow == 1 && bCol == 1 && prepacked == null)
        {
            GemmFewRows(a, aK, b, bK, c, ldc, m, n, k, accumulate);
            return;
        }
        if (k <= ShallowDepth && aK == 1 && prepacked == null)
        {
            GemmShallow(a, aRow, b, bK, bCol, c, ldc, m, n, k, accumulate);
            return;
        }
        int panels = PanelCount(n);
        int slice = SliceDepth(k);
        int packLength = prepacked != null ? 0 : panels * NR * slice;
        var pack = PackBuffer(packLength);
        bool packLeft = packLeftNeeded;
        int rowBlock = RowBlock(m, slice);
        int leftLength = packLeft ? (rowBlock + MR - 1) / MR * MR * slice : 0;
        var left = AtLeast(ref leftPackBuffer, leftLength);
        // With few rows of C (the output layer's weight gradient has 10) each packed panel would
        // serve only a tile or two, so whole panels of a row-contiguous B are read in place; the
        // ragged last panel is still packed, so nothing is read past B's last row.
        bool inPlace = bCol == 1 && m <= 4 * MR && prepacked == null;
        int wholePanels = n / NR;
        float* prepackedEnd = prepacked + (nint)panels * NR * k;
        fixed (float* packBase = pack.Span, leftPacked = left.Span)
        {
            for (int k0 = 0; k0 < k; k0 += slice)
            {
                int kc = Math.Min(slice, k - k0);
                float* packed = prepacked != null ? prepacked + k0 * panels * NR : packBase;
                if (prepacked == null && !inPlace) PackPanels(b + k0 * bK, bK, bCol, kc, n, packed);
                else if (inPlace && wholePanels < panels) PackPanels(b + k0 * bK + wholePanels * NR, bK, bCol, kc, n - wholePanels * NR, packed + wholePanels * NR * kc);
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
                    // A prepacked B (weights packed once a step, shared by the workers) comes from
                    // DRAM, and a 50-row product by it ran at 72% of its speed from L3: the panel
                    // PanelsAhead on (the panels lie in the order they are read) is asked into L2
                    // (PREFETCHT1 on Zen 4 and later), a share of its lines before each tile. The
                    // GSN step took 4% less CPU time (76.7 against 80.3 ms, 5 of 5 alternated pairs).
                    float* next = panel + PanelsAhead * NR * kc;
                    int ahead = prepacked != null ? (int)Math.Min(NR * kc, prepackedEnd - next) : 0;
                    int tilesInBlock = (mb + MR - 1) / MR;
                    int share = ahead <= 0 ? 0 : (ahead / 16 + tilesInBlock - 1) / tilesInBlock * 16;
                    for (int i0 = ib; i0 < ib + mb; i0 += MR)
                    {
                        if (share > 0)
                        {
                            int from = (i0 - ib) / MR * share, to = Math.Min(ahead, from + share);
                            for (int f = from; f < to; f += 16) Sse.Prefetch1(next + f);
                        }
                        float* tile = packLeft ? leftPacked + (i0 - ib) * kc : a + i0 * aRow + k0 * aK;
                        // an edge panel of at most 16 columns (200 = 6 x 32 + 8) needs only half the FMAs
                        if (cols <= 16)
                            Kernel6x16(tile, packLeft ? 1 : aRow, packLeft ? MR : aK, panel, direct ? bK : NR, kc,
                                       c + i0 * ldc + j0, ldc, Math.Min(MR, m - i0), cols, add);
                        else
                            Kernel6x32(tile, packLeft ? 1 : aRow, packLeft ? MR : aK, panel, direct ? bK : NR, kc,
                                       c + i0 * ldc + j0, ldc, Math.Min(MR, m - i0), cols, add);
                    }
                }
                }
            }
        }
    }

    /// Panel p holds B(0..kc, 32p..32p+31) as kc rows of 32 floats; columns past n are zero.
    static void PackPanels(float* b, nint bK, nint bCol, int kc, int n, float* packed)
    {
        if (KernelIsa.UseVector256)
        {
            PackPanels<Vector256<float>, Vec256>(b, bK, bCol, kc, n, packed);
            return;
        }
        if (KernelIsa.UseVector128)
        {
            PackPanels<Vector128<float>, Vec128>(b, bK, bCol, kc, n, packed);
            return;
        }
        int panels = (n + NR - 1) / NR;
        for (int p = 0; p < panels; p++)
        {
            float* dst = packed + p * NR * kc;
            int j0 = p * NR, cols = Math.Min(NR, n - j0);
            if (bCol == 1 && cols == NR)
            {
                for (int r = 0; r < kc; r++)
                {
                    float* src = b + r * bK + j0;
                    Vector512.Store(Vector512.Load(src), dst + r * NR);
                    Vector512.Store(Vector512.Load(src + 16), dst + r * NR + 16);
                }
                continue;
            }
            if (bK == 1 && bCol <= int.MaxValue / NR && Avx2.IsSupported)
            {
                // Forward's W rows: a whole panel 16 k at a time as two 16 x 16 blocks transposed in
                // registers (gathers took 13% of a deterministic step), the rest by gathers of 8 columns
                // per k (the scalar copy below cost as much as the product itself for a 50-row shard);
                // lanes past `cols` read column j0, then zero.
                int whole = 0;
                if (cols == NR && Avx512F.IsSupported)
                    for (; whole + 16 <= kc; whole += 16)
                    {
                        Transpose.Block16(b + j0 * bCol + whole, bCol, dst + whole * NR, NR);
                        Transpose.Block16(b + (j0 + 16) * bCol + whole, bCol, dst + whole * NR + 16, NR);
                    }
                var lanes = Vector256<int>.Indices;
                var valid0 = Vector256.LessThan(lanes, Vector256.Create(cols));
                var valid1 = Vector256.LessThan(lanes + Vector256.Create(8), Vector256.Create(cols));
                var valid2 = Vector256.LessThan(lanes + Vector256.Create(16), Vector256.Create(cols));
                var valid3 = Vector256.LessThan(lanes + Vector256.Create(24), Vector256.Create(cols));
                int stride = (int)bCol;
                var index0 = (lanes & valid0) * stride;
                var index1 = ((lanes + Vector256.Create(8)) & valid1) * stride;
                var index2 = ((lanes + Vector256.Create(16)) & valid2) * stride;
                var index3 = ((lanes + Vector256.Create(24)) & valid3) * stride;
                float* column0 = b + j0 * bCol;
                // an edge panel's groups of 8 columns past `cols` are zeros, not gathers (200 = 6 x 32 + 8:
                // W_1's last panel gathered four times what it holds)
                int groups = (cols + 7) / 8;
                for (int r = whole; r < kc; r++)
                {
                    float* src = column0 + r, row = dst + r * NR;
                    (Avx2.GatherVector256(src, index0, 4) & valid0.AsSingle()).Store(row);
                    (groups > 1 ? Avx2.GatherVector256(src, index1, 4) & valid1.AsSingle() : Vector256<float>.Zero).Store(row + 8);
                    (groups > 2 ? Avx2.GatherVector256(src, index2, 4) & valid2.AsSingle() : Vector256<float>.Zero).Store(row + 16);
                    (groups > 3 ? Avx2.GatherVector256(src, index3, 4) & valid3.AsSingle() : Vector256<float>.Zero).Store(row + 24);
                }
                continue;
            }
            // Strided or ragged source: walk the source contiguously (j outer when bK == 1).
            new Span<float>(dst, NR * kc).Clear();
            for (int j = 0; j < cols; j++)
            {
                float* src = b + (j0 + j) * bCol;
                for (int r = 0; r < kc; r++) dst[r * NR + j] = src[r * bK];
            }
        }
    }

    /// Tile t holds A(6t..6t+5, 0..kc) as kc groups of 6 floats (A(i, p) = a[i + p*aK]); rows past m are zero.
    static void PackTiles(float* a, nint aK, int kc, int m, float* packed)
    {
        // whole tiles: k outer, so each source row is read once, contiguously; 6 floats = 4 + 2
        int whole = m / MR;
        for (int p = 0; p < kc; p++)
        {
            float* src = a + p * aK, dst = packed + p * MR;
            for (int t = 0; t < whole; t++)
            {
                Vector128.Store(Vector128.Load(src + t * MR), dst + t * MR * kc);
                *(long*)(dst + t * MR * kc + 4) = *(long*)(src + t * MR + 4);
            }
        }
        for (int i0 = whole * MR; i0 < m; i0 += MR)
        {
            float* dst = packed + i0 * kc;
            int rows = Math.Min(MR, m - i0);
            for (int p = 0; p < kc; p++)
            {
                float* src = a + p * aK + i0;
                for (int r = 0; r < rows; r++) dst[p * MR + r] = src[r];
                for (int r = rows; r < MR; r++) dst[p * MR + r] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x32(float* a, nint aRow, nint aK, float* panel, nint panelRow, int kc,
                           float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        // Missing rows of an edge tile re-read row 0; their results are never stored.
        nint o1 = rows > 1 ? aRow : 0, o2 = rows > 2 ? 2 * aRow : 0, o3 = rows > 3 ? 3 * aRow : 0;
        nint o4 = rows > 4 ? 4 * aRow : 0, o5 = rows > 5 ? 5 * aRow : 0;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(panel);
            var b1 = Vector512.Load(panel + 16);
            panel += panelRow;
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[o1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[o2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[o3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[o4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[o5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            a += aK;
        }
        if (cols == NR)
        {
            StoreRow(c, c00, c01, accumulate);
            if (rows > 1) StoreRow(c + ldc, c10, c11, accumulate);
            if (rows > 2) StoreRow(c + 2 * ldc, c20, c21, accumulate);
            if (rows > 3) StoreRow(c + 3 * ldc, c30, c31, accumulate);
            if (rows > 4) StoreRow(c + 4 * ldc, c40, c41, accumulate);
            if (rows > 5) StoreRow(c + 5 * ldc, c50, c51, accumulate);
            return;
        }
        // Ragged right edge: masked stores of the valid columns (a scalar copy of a spilled tile
        // cost a fifth of an edge panel's time)
        var mask0 = ColumnMask(cols);
        var mask1 = ColumnMask(cols - 16);
        StoreRowMasked(c, c00, c01, mask0, mask1, accumulate);
        if (rows > 1) StoreRowMasked(c + ldc, c10, c11, mask0, mask1, accumulate);
        if (rows > 2) StoreRowMasked(c + 2 * ldc, c20, c21, mask0, mask1, accumulate);
        if (rows > 3) StoreRowMasked(c + 3 * ldc, c30, c31, mask0, mask1, accumulate);
        if (rows > 4) StoreRowMasked(c + 4 * ldc, c40, c41, mask0, mask1, accumulate);
        if (rows > 5) StoreRowMasked(c + 5 * ldc, c50, c51, mask0, mask1, accumulate);
    }

    /// The left 16 columns of a panel: Kernel6x32's tile with one vector per row. Two sets of six
    /// accumulators, for even and odd k, keep twelve FMA chains in flight as the wide kernel does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel6x16(float* a, nint aRow, nint aK, float* panel, nint panelRow, int kc,
                           float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        nint o1 = rows > 1 ? aRow : 0, o2 = rows > 2 ? 2 * aRow : 0, o3 = rows > 3 ? 3 * aRow : 0;
        nint o4 = rows > 4 ? 4 * aRow : 0, o5 = rows > 5 ? 5 * aRow : 0;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            var b = Vector512.Load(panel);
            var f = Vector512.Load(panel + panelRow);
            panel += 2 * panelRow;
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o1]), b, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o2]), b, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o3]), b, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o4]), b, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o5]), b, c5);
            a += aK;
            e0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), f, e0);
            e1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o1]), f, e1);
            e2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o2]), f, e2);
            e3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o3]), f, e3);
            e4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o4]), f, e4);
            e5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o5]), f, e5);
            a += aK;
        }
        if (p < kc)
        {
            var b = Vector512.Load(panel);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o1]), b, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o2]), b, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o3]), b, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o4]), b, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[o5]), b, c5);
        }
        var mask = ColumnMask(cols);
        StoreMasked(c, c0 + e0, mask, accumulate);
        if (rows > 1) StoreMasked(c + ldc, c1 + e1, mask, accumulate);
        if (rows > 2) StoreMasked(c + 2 * ldc, c2 + e2, mask, accumulate);
        if (rows > 3) StoreMasked(c + 3 * ldc, c3 + e3, mask, accumulate);
        if (rows > 4) StoreMasked(c + 4 * ldc, c4 + e4, mask, accumulate);
        if (rows > 5) StoreMasked(c + 5 * ldc, c5 + e5, mask, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(float* c, Vector512<float> v0, Vector512<float> v1, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        v0.Store(c);
        v1.Store(c + 16);
    }

    /// Lanes below `cols` (none when it is 0 or less, all from 16).
    static Vector512<float> ColumnMask(int cols) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRowMasked(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> mask0, Vector512<float> mask1, bool accumulate)
    {
        StoreMasked(c, v0, mask0, accumulate);
        StoreMasked(c + 16, v1, mask1, accumulate);
    }

    /// Writes (or adds) the lanes of `v` that `mask` selects; the others are neither read nor written.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreMasked(float* c, Vector512<float> v, Vector512<float> mask, bool accumulate)
    {
        if (accumulate) v += Avx512F.MaskLoad(c, mask, Vector512<float>.Zero);
        Avx512F.MaskStore(c, mask, v);
    }

    /// `Forward` from packed weights with plain loops (for the ISAs without the blocked path):
    /// B(p, j) is entry p - k0 of column j % 32 in panel j / 32 of the slice that starts at k0.
    static void ForwardPackedScalar(float* a, nint aRow, float* packed, float* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        int panels = PanelCount(n), slice = SliceDepth(Math.Max(k, 1));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    int k0 = p / slice * slice, kc = Math.Min(slice, k - k0);
                    sum += a[i * aRow + p] * packed[k0 * panels * NR + j / NR * NR * kc + (p - k0) * NR + j % NR];
                }
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
            }
    }

    static void GemmScalar(float* a, nint aRow, nint aK, float* b, nint bK, nint bCol,
                           float* c, nint ldc, int m, int n, int k, bool accumulate)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += a[i * aRow + p * aK] * b[p * bK + j * bCol];
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
            }
    }
}
