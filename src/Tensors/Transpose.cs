// Transpose: destination (cols, rows) = source (rows, cols) transposed, or added to it.
//   Rows        destination rows [firstColumn, endColumn) = source columns, destination rows ld apart
//   AddRows     destination (cols, rows) += source (rows, cols), source rows ld apart
//   Block16     one 16 x 16 block in registers (also packs W_1 for MatMul's forward)
// Variants: Vector512 (whole 16 x 16 blocks transposed in registers; the columns past the last
// whole block by gathers of 16 source rows per destination vector); Vector256 and Vector128 (one
// generic loop over 8 x 8 blocks shuffled with AVX, `Block8`, or 4 x 4 blocks with the portable
// API, `Block4`; the columns past the last whole block scalar) and the scalar references
// RowsReference and AddRowsReference; the rows past the last whole block go through the scalar loop. The second
// layer's W_2^T and G(W_2)^T: 40000 entries per step and per pass, about 1.6% of a G3 training
// profile when they were scalar.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static class Transpose
{
    /// `destination[j * ld + i] = source[i * cols + j]` for `i < rows` and `j` in `[firstColumn, endColumn)`.
    public static unsafe void Rows(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld,
                                   int firstColumn = 0, int endColumn = int.MaxValue)
    {
        endColumn = Math.Min(endColumn, cols);
        CheckRows(source, rows, cols, destination, ld, firstColumn);
        if (KernelIsa.UseVector256 || KernelIsa.UseVector128)
        {
            fixed (float* src = source, dst = destination)
                if (KernelIsa.UseVector256) Rows<Vector256<float>, Vec256>(src, rows, cols, dst, ld, firstColumn, endColumn);
                else Rows<Vector128<float>, Vec128>(src, rows, cols, dst, ld, firstColumn, endColumn);
            return;
        }
        int vectorRows = Gathers(rows, cols) ? rows / 16 * 16 : 0;
        fixed (float* src = source, dst = destination)
        {
            if (vectorRows > 0)
            {
                int j = firstColumn;
                for (; j + 16 <= endColumn; j += 16)
                    for (int i0 = 0; i0 < vectorRows; i0 += 16)
                        Block16(src + i0 * cols + j, cols, dst + j * ld + i0, ld);
                var offsets = Vector256<int>.Indices * cols;
                for (; j < endColumn; j++)
                    for (int i0 = 0; i0 < vectorRows; i0 += 16)
                        Gather16(src + i0 * cols + j, offsets, 8 * cols).Store(dst + j * ld + i0);
            }
            for (int j = firstColumn; j < endColumn; j++)
                for (int i = vectorRows; i < rows; i++) dst[j * ld + i] = src[i * cols + j];
        }
    }

    public static void RowsReference(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld,
                                     int firstColumn = 0, int endColumn = int.MaxValue)
    {
        endColumn = Math.Min(endColumn, cols);
        CheckRows(source, rows, cols, destination, ld, firstColumn);
        for (int j = firstColumn; j < endColumn; j++)
            for (int i = 0; i < rows; i++) destination[j * ld + i] = source[i * cols + j];
    }

    /// `destination[j * rows + i] += source[i * ld + j]` for `i < rows`, `j < cols`.
    public static unsafe void AddRows(ReadOnlySpan<float> source, int rows, int cols, int ld, Span<float> destination)
    {
        CheckAdd(source, rows, cols, ld, destination);
        if (KernelIsa.UseVector256 || KernelIsa.UseVector128)
        {
            fixed (float* src = source, dst = destination)
                if (KernelIsa.UseVector256) AddRows<Vector256<float>, Vec256>(src, rows, cols, ld, dst);
                else AddRows<Vector128<float>, Vec128>(src, rows, cols, ld, dst);
            return;
        }
        int vectorRows = Gathers(rows, ld) ? rows / 16 * 16 : 0;
        fixed (float* src = source, dst = destination)
        {
            if (vectorRows > 0)
            {
                var offsets = Vector256<int>.Indices * ld;
                for (int j = 0; j < cols; j++)
                    for (int i0 = 0; i0 < vectorRows; i0 += 16)
                    {
                        float* target = dst + j * rows + i0;
                        (Vector512.Load(target) + Gather16(src + i0 * ld + j, offsets, 8 * ld)).Store(target);
                    }
            }
            for (int j = 0; j < cols; j++)
                for (int i = vectorRows; i < rows; i++) dst[j * rows + i] += src[i * ld + j];
        }
    }

    public static void AddRowsReference(ReadOnlySpan<float> source, int rows, int cols, int ld, Span<float> destination)
    {
        CheckAdd(source, rows, cols, ld, destination);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) destination[j * rows + i] += source[i * ld + j];
    }

    /// Whole `Vec.Count`-square blocks, each column's rows past the last block and the columns
    /// past the last block scalar.
    static unsafe void Rows<TV, Vec>(float* src, int rows, int cols, float* dst, int ld, int firstColumn, int endColumn)
        where TV : struct where Vec : IVec<TV>
    {
        int n = Vec.Count, blockRows = rows / n * n, j = firstColumn;
        for (; j + n <= endColumn; j += n)
        {
            for (int i0 = 0; i0 < blockRows; i0 += n) Vec.Transpose(src + i0 * cols + j, cols, dst + j * ld + i0, ld);
            for (int c = j; c < j + n; c++)
                for (int i = blockRows; i < rows; i++) dst[c * ld + i] = src[i * cols + c];
        }
        for (; j < endColumn; j++)
            for (int i = 0; i < rows; i++) dst[j * ld + i] = src[i * cols + j];
    }

    /// Each square block transposed into registers' worth of stack, then added row by row.
    static unsafe void AddRows<TV, Vec>(float* src, int rows, int cols, int ld, float* dst) where TV : struct where Vec : IVec<TV>
    {
        int n = Vec.Count, blockRows = rows / n * n, j = 0;
        float* block = stackalloc float[n * n];
        for (; j + n <= cols; j += n)
        {
            for (int i0 = 0; i0 < blockRows; i0 += n)
            {
                Vec.Transpose(src + i0 * ld + j, ld, block, n);
                for (int c = 0; c < n; c++)
                {
                    float* target = dst + (j + c) * rows + i0;
                    Vec.Store(Vec.Add(Vec.Load(target), Vec.Load(block + c * n)), target);
                }
            }
            for (int c = j; c < j + n; c++)
                for (int i = blockRows; i < rows; i++) dst[c * rows + i] += src[i * ld + c];
        }
        for (; j < cols; j++)
            for (int i = 0; i < rows; i++) dst[j * rows + i] += src[i * ld + j];
    }

    /// `destination[c * destinationStride + r] = source[r * sourceStride + c]` for r, c < 8, in
    /// AVX registers: pairs of floats interleaved, pairs of pairs, then 128-bit halves swapped.
    internal static unsafe void Block8(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        var t0 = Avx.UnpackLow(Vector256.Load(source), Vector256.Load(source + sourceStride));
        var t1 = Avx.UnpackHigh(Vector256.Load(source), Vector256.Load(source + sourceStride));
        var t2 = Avx.UnpackLow(Vector256.Load(source + 2 * sourceStride), Vector256.Load(source + 3 * sourceStride));
        var t3 = Avx.UnpackHigh(Vector256.Load(source + 2 * sourceStride), Vector256.Load(source + 3 * sourceStride));
        var t4 = Avx.UnpackLow(Vector256.Load(source + 4 * sourceStride), Vector256.Load(source + 5 * sourceStride));
        var t5 = Avx.UnpackHigh(Vector256.Load(source + 4 * sourceStride), Vector256.Load(source + 5 * sourceStride));
        var t6 = Avx.UnpackLow(Vector256.Load(source + 6 * sourceStride), Vector256.Load(source + 7 * sourceStride));
        var t7 = Avx.UnpackHigh(Vector256.Load(source + 6 * sourceStride), Vector256.Load(source + 7 * sourceStride));
        // u_c holds column c of rows 0..3 in its low half and column c + 4 in its high half (u4.. rows 4..7)
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).Store(destination);
        Avx.Permute2x128(u1, u5, 0x20).Store(destination + destinationStride);
        Avx.Permute2x128(u2, u6, 0x20).Store(destination + 2 * destinationStride);
        Avx.Permute2x128(u3, u7, 0x20).Store(destination + 3 * destinationStride);
        Avx.Permute2x128(u0, u4, 0x31).Store(destination + 4 * destinationStride);
        Avx.Permute2x128(u1, u5, 0x31).Store(destination + 5 * destinationStride);
        Avx.Permute2x128(u2, u6, 0x31).Store(destination + 6 * destinationStride);
        Avx.Permute2x128(u3, u7, 0x31).Store(destination + 7 * destinationStride);
    }

    /// The same for r, c < 4 with the portable API: each pair of rows interleaved by a shuffle and a
    /// select, then the 64-bit halves recombined.
    internal static unsafe void Block4(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        var r0 = Vector128.Load(source); var r1 = Vector128.Load(source + sourceStride);
        var r2 = Vector128.Load(source + 2 * sourceStride); var r3 = Vector128.Load(source + 3 * sourceStride);
        var odd = Vector128.Create(0, -1, 0, -1).AsSingle();
        var swap = Vector128.Create(1, 0, 3, 2);
        var x0 = Vector128.ConditionalSelect(odd, Vector128.Shuffle(r1, swap), r0); // a0 b0 a2 b2
        var x1 = Vector128.ConditionalSelect(odd, r1, Vector128.Shuffle(r0, swap)); // a1 b1 a3 b3
        var y0 = Vector128.ConditionalSelect(odd, Vector128.Shuffle(r3, swap), r2);
        var y1 = Vector128.ConditionalSelect(odd, r3, Vector128.Shuffle(r2, swap));
        Vector128.Create(x0.GetLower(), y0.GetLower()).Store(destination);
        Vector128.Create(x1.GetLower(), y1.GetLower()).Store(destination + destinationStride);
        Vector128.Create(x0.GetUpper(), y0.GetUpper()).Store(destination + 2 * destinationStride);
        Vector128.Create(x1.GetUpper(), y1.GetUpper()).Store(destination + 3 * destinationStride);
    }

    /// `destination[c * destinationStride + r] = source[r * sourceStride + c]` for r, c < 16: four
    /// rounds of 16 shuffles (pairs of floats, pairs of doubles, then 128-bit lanes twice) in place
    /// of 16 gathers, each of which touches 16 cache lines. The caller checks AVX-512.
    internal static unsafe void Block16(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        // rows i, i + 1 interleaved: t_i holds columns 0, 1 of each 128-bit lane, t_{i+1} columns 2, 3
        var r0 = Vector512.Load(source + 0 * sourceStride); var r1 = Vector512.Load(source + 1 * sourceStride);
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var r2 = Vector512.Load(source + 2 * sourceStride); var r3 = Vector512.Load(source + 3 * sourceStride);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var r4 = Vector512.Load(source + 4 * sourceStride); var r5 = Vector512.Load(source + 5 * sourceStride);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var r6 = Vector512.Load(source + 6 * sourceStride); var r7 = Vector512.Load(source + 7 * sourceStride);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var r8 = Vector512.Load(source + 8 * sourceStride); var r9 = Vector512.Load(source + 9 * sourceStride);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var r10 = Vector512.Load(source + 10 * sourceStride); var r11 = Vector512.Load(source + 11 * sourceStride);
        var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
        var r12 = Vector512.Load(source + 12 * sourceStride); var r13 = Vector512.Load(source + 13 * sourceStride);
        var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
        var r14 = Vector512.Load(source + 14 * sourceStride); var r15 = Vector512.Load(source + 15 * sourceStride);
        var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);
        // four rows: u_{q+c} holds columns c, c + 4, c + 8, c + 12 of rows q .. q + 3
        var u0 = Pairs(t0, t2, low: true); var u1 = Pairs(t0, t2, low: false);
        var u2 = Pairs(t1, t3, low: true); var u3 = Pairs(t1, t3, low: false);
        var u4 = Pairs(t4, t6, low: true); var u5 = Pairs(t4, t6, low: false);
        var u6 = Pairs(t5, t7, low: true); var u7 = Pairs(t5, t7, low: false);
        var u8 = Pairs(t8, t10, low: true); var u9 = Pairs(t8, t10, low: false);
        var u10 = Pairs(t9, t11, low: true); var u11 = Pairs(t9, t11, low: false);
        var u12 = Pairs(t12, t14, low: true); var u13 = Pairs(t12, t14, low: false);
        var u14 = Pairs(t13, t15, low: true); var u15 = Pairs(t13, t15, low: false);
        // eight rows: v_{h+2c} holds columns c, c + 8 and v_{h+2c+1} columns c + 4, c + 12 of rows h .. h + 7
        var v0 = Avx512F.Shuffle4x128(u0, u4, 0x88); var v1 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
        var v2 = Avx512F.Shuffle4x128(u1, u5, 0x88); var v3 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        var v4 = Avx512F.Shuffle4x128(u2, u6, 0x88); var v5 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
        var v6 = Avx512F.Shuffle4x128(u3, u7, 0x88); var v7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
        var v8 = Avx512F.Shuffle4x128(u8, u12, 0x88); var v9 = Avx512F.Shuffle4x128(u8, u12, 0xDD);
        var v10 = Avx512F.Shuffle4x128(u9, u13, 0x88); var v11 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
        var v12 = Avx512F.Shuffle4x128(u10, u14, 0x88); var v13 = Avx512F.Shuffle4x128(u10, u14, 0xDD);
        var v14 = Avx512F.Shuffle4x128(u11, u15, 0x88); var v15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);
        // sixteen rows: column c from v_{2c} and v_{8+2c}
        Avx512F.Shuffle4x128(v0, v8, 0x88).Store(destination + 0 * destinationStride);
        Avx512F.Shuffle4x128(v0, v8, 0xDD).Store(destination + 8 * destinationStride);
        Avx512F.Shuffle4x128(v1, v9, 0x88).Store(destination + 4 * destinationStride);
        Avx512F.Shuffle4x128(v1, v9, 0xDD).Store(destination + 12 * destinationStride);
        Avx512F.Shuffle4x128(v2, v10, 0x88).Store(destination + 1 * destinationStride);
        Avx512F.Shuffle4x128(v2, v10, 0xDD).Store(destination + 9 * destinationStride);
        Avx512F.Shuffle4x128(v3, v11, 0x88).Store(destination + 5 * destinationStride);
        Avx512F.Shuffle4x128(v3, v11, 0xDD).Store(destination + 13 * destinationStride);
        Avx512F.Shuffle4x128(v4, v12, 0x88).Store(destination + 2 * destinationStride);
        Avx512F.Shuffle4x128(v4, v12, 0xDD).Store(destination + 10 * destinationStride);
        Avx512F.Shuffle4x128(v5, v13, 0x88).Store(destination + 6 * destinationStride);
        Avx512F.Shuffle4x128(v5, v13, 0xDD).Store(destination + 14 * destinationStride);
        Avx512F.Shuffle4x128(v6, v14, 0x88).Store(destination + 3 * destinationStride);
        Avx512F.Shuffle4x128(v6, v14, 0xDD).Store(destination + 11 * destinationStride);
        Avx512F.Shuffle4x128(v7, v15, 0x88).Store(destination + 7 * destinationStride);
        Avx512F.Shuffle4x128(v7, v15, 0xDD).Store(destination + 15 * destinationStride);
    }

    /// Pairs of floats taken as doubles: the low (or high) double of each 128-bit lane of a, then of b.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Pairs(Vector512<float> a, Vector512<float> b, bool low) =>
        (low ? Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()) : Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble())).AsSingle();

    /// Whether the gathers run: AVX-512 chosen, and 16 rows' offsets fit an int.
    static bool Gathers(int rows, int stride) => KernelIsa.UseVector512 && Avx2.IsSupported && (long)16 * stride <= int.MaxValue;

    /// `p[0], p[stride], ..., p[15 stride]` (`offsets` = the first eight, `half` = 8 stride);
    /// .NET exposes no 16-lane gather, so two of 8.
    static unsafe Vector512<float> Gather16(float* p, Vector256<int> offsets, int half) =>
        Vector512.Create(Avx2.GatherVector256(p, offsets, 4), Avx2.GatherVector256(p + half, offsets, 4));

    static void CheckRows(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld, int firstColumn)
    {
        if (rows < 0 || cols < 0 || firstColumn < 0) SfnnThrow.Argument("sizes and firstColumn must not be negative");
        if (ld < rows || source.Length < rows * cols || (cols > 0 && destination.Length < (cols - 1) * ld + rows)) SfnnThrow.DestinationTooShort();
    }

    static void CheckAdd(ReadOnlySpan<float> source, int rows, int cols, int ld, Span<float> destination)
    {
        if (rows < 0 || cols < 0 || ld < cols) SfnnThrow.Argument("sizes must not be negative, and ld must be at least cols");
        if ((rows > 0 && source.Length < (rows - 1) * ld + cols) || destination.Length < rows * cols) SfnnThrow.DestinationTooShort();
    }
}
