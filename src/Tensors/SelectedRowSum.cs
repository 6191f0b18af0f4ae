// SelectedRowSum: c[i, :] (+)= sum of the rows of `source` that list i selects. A product with a
// 0/1 matrix is such a sum, with no multiplies (hand-written: TensorPrimitives has no product):
//   forward          a = h W^T     a[r, :]   = sum_{j : h[r, j] = 1} W^T[j, :]   (lists: NonzeroLists rows)
//   weight gradient  G(W)^T += h^T d   G^T[j, :] += sum_{r : h[r, j] = 1} d[r, :] (lists: NonzeroLists columns)
// Variants:
//   Sum            dispatch: Vector512 (columns in 32-wide blocks, two accumulator sets), Vector256
//                  and Vector128 (one generic kernel: blocks of four vectors, 32 or 16 columns, the
//                  same two sets, so a block column sums as on the Vector512 path) or scalar
//   SumReference   scalar, entries in list order
// Each 32-column block of `source` rows stays in L1 while every list sweeps it (a 64-wide
// block of a 200-row W^T is 51 KiB, past L1, and ran no faster than the dense product); a block
// holds two zmm accumulators per set, and the two sets (even and odd entries) hide the add latency.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static unsafe class SelectedRowSum
{
    const int Block = 32;

    /// `c[i * ldc + j] (+)= sum_{t = start[i]}^{end[i] - 1} source[index[t] * ldSource + j]` for
    /// lists `i < start.Length` and columns `j < width`; `accumulate` false overwrites `c`.
    public static void Sum(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end,
                           ReadOnlySpan<float> source, int ldSource, Span<float> c, int ldc, int width, bool accumulate)
    {
        int lists = Check(index, start, end, source, ldSource, c, ldc, width);
        if (lists == 0 || width == 0) return;
        bool narrow = KernelIsa.UseVector256 || KernelIsa.UseVector128;
        if (!narrow && (!KernelIsa.UseVector512 || !Avx512F.IsSupported))
        {
            SumReference(index, start, end, source, ldSource, c, ldc, width, accumulate);
            return;
        }
        fixed (int* pIndex = index, pStart = start, pEnd = end)
        fixed (float* pSource = source, pc = c)
        {
            var all = new Lists(pIndex, pStart, pEnd, lists);
            if (KernelIsa.UseVector256)
            {
                Sum<Vector256<float>, Vec256>(all, pSource, ldSource, pc, ldc, width, accumulate);
                return;
            }
            if (KernelIsa.UseVector128)
            {
                Sum<Vector128<float>, Vec128>(all, pSource, ldSource, pc, ldc, width, accumulate);
                return;
            }
            int j0 = 0;
            for (; j0 + Block <= width; j0 += Block)
                SumBlock(pIndex, pStart, pEnd, lists, pSource + j0, ldSource, pc + j0, ldc, accumulate);
            for (; j0 < width; j0 += 16)
                SumMasked(pIndex, pStart, pEnd, lists, pSource + j0, ldSource, pc + j0, ldc, Math.Min(16, width - j0), accumulate);
        }
    }

    public static void SumReference(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end,
                                    ReadOnlySpan<float> source, int ldSource, Span<float> c, int ldc, int width, bool accumulate)
    {
        int lists = Check(index, start, end, source, ldSource, c, ldc, width);
        for (int i = 0; i < lists; i++)
            for (int j = 0; j < width; j++)
            {
                float sum = accumulate ? c[i * ldc + j] : 0;
                for (int t = start[i]; t < end[i]; t++) sum += source[index[t] * ldSource + j];
                c[i * ldc + j] = sum;
            }
    }

    static int Check(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end,
                     ReadOnlySpan<float> source, int ldSource, Span<float> c, int ldc, int width)
    {
        int lists = start.Length;
        if (end.Length < lists) SfnnThrow.ArgumentLength(nameof(end), end.Length, lists);
        if (ldSource < width || ldc < width) SfnnThrow.Argument("row strides must be at least the width");
        if (lists > 0 && c.Length < (lists - 1) * ldc + width) SfnnThrow.DestinationTooShort();
        int sourceRows = width == 0 ? int.MaxValue : (source.Length - width) / ldSource + 1;
        for (int i = 0; i < lists; i++)
        {
            if (start[i] < 0 || end[i] < start[i] || end[i] > index.Length) SfnnThrow.Argument($"list {i} lies outside the index");
            // a negative index reads as a huge unsigned one; lists are short, so a plain loop
            // costs less than a library call per list
            if (end[i] > start[i] && LargestIndex(index, start[i], end[i]) >= (uint)sourceRows)
                SfnnThrow.Argument($"list {i} names a row past the source's {sourceRows}");
        }
        return lists;
    }

    /// The largest of `index[start .. end)` read as unsigned, so that a negative index is huge.
    internal static uint LargestIndex(ReadOnlySpan<int> index, int start, int end)
    {
        uint largest = 0;
        foreach (int i in index[start..end]) largest = Math.Max(largest, (uint)i);
        return largest;
    }

    readonly struct Lists(int* index, int* start, int* end, int lists)
    {
        public readonly int* Index = index, Start = start, End = end;
        public readonly int Count = lists;
    }

    /// Blocks of four vectors, then one-vector strips; the last columns (fewer than a vector) as
    /// a strip that ends at the width with the lanes before them kept, or lane by lane below a
    /// vector's width.
    static void Sum<TV, Vec>(Lists lists, float* source, nint ldSource, float* c, nint ldc, int width, bool accumulate)
        where TV : struct where Vec : IVec<TV>
    {
        int j0 = 0;
        for (; j0 + 4 * Vec.Count <= width; j0 += 4 * Vec.Count) SumBlock<TV, Vec>(lists, source + j0, ldSource, c + j0, ldc, accumulate);
        for (; j0 + Vec.Count <= width; j0 += Vec.Count) SumStrip<TV, Vec>(lists, source + j0, ldSource, c + j0, ldc, accumulate, Vec.AllBitsSet);
        if (j0 == width) return;
        if (width >= Vec.Count)
            SumStrip<TV, Vec>(lists, source + width - Vec.Count, ldSource, c + width - Vec.Count, ldc, accumulate, Vec.LastLanes(width - j0));
        else
            for (int i = 0; i < lists.Count; i++)
                for (int j = 0; j < width; j++)
                {
                    float sum = accumulate ? c[i * ldc + j] : 0;
                    for (int t = lists.Start[i]; t < lists.End[i]; t++) sum += source[lists.Index[t] * ldSource + j];
                    c[i * ldc + j] = sum;
                }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SumBlock<TV, Vec>(Lists lists, float* source, nint ldSource, float* c, nint ldc, bool accumulate)
        where TV : struct where Vec : IVec<TV>
    {
        int n = Vec.Count;
        for (int i = 0; i < lists.Count; i++)
        {
            float* ci = c + i * ldc;
            TV a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            if (accumulate)
            {
                a0 = Vec.Load(ci); a1 = Vec.Load(ci + n); a2 = Vec.Load(ci + 2 * n); a3 = Vec.Load(ci + 3 * n);
            }
            int t = lists.Start[i], stop = lists.End[i];
            for (; t + 2 <= stop; t += 2)
            {
                float* p = source + lists.Index[t] * ldSource, q = source + lists.Index[t + 1] * ldSource;
                a0 = Vec.Add(a0, Vec.Load(p)); a1 = Vec.Add(a1, Vec.Load(p + n)); a2 = Vec.Add(a2, Vec.Load(p + 2 * n)); a3 = Vec.Add(a3, Vec.Load(p + 3 * n));
                b0 = Vec.Add(b0, Vec.Load(q)); b1 = Vec.Add(b1, Vec.Load(q + n)); b2 = Vec.Add(b2, Vec.Load(q + 2 * n)); b3 = Vec.Add(b3, Vec.Load(q + 3 * n));
            }
            if (t < stop)
            {
                float* p = source + lists.Index[t] * ldSource;
                a0 = Vec.Add(a0, Vec.Load(p)); a1 = Vec.Add(a1, Vec.Load(p + n)); a2 = Vec.Add(a2, Vec.Load(p + 2 * n)); a3 = Vec.Add(a3, Vec.Load(p + 3 * n));
            }
            Vec.Store(Vec.Add(a0, b0), ci); Vec.Store(Vec.Add(a1, b1), ci + n); Vec.Store(Vec.Add(a2, b2), ci + 2 * n); Vec.Store(Vec.Add(a3, b3), ci + 3 * n);
        }
    }

    /// One vector's columns; only the `lanes` set are written (the others keep c's value).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SumStrip<TV, Vec>(Lists lists, float* source, nint ldSource, float* c, nint ldc, bool accumulate, TV lanes)
        where TV : struct where Vec : IVec<TV>
    {
        for (int i = 0; i < lists.Count; i++)
        {
            float* ci = c + i * ldc;
            TV a = accumulate ? Vec.Load(ci) : default, b = default;
            int t = lists.Start[i], stop = lists.End[i];
            for (; t + 2 <= stop; t += 2)
            {
                a = Vec.Add(a, Vec.Load(source + lists.Index[t] * ldSource));
                b = Vec.Add(b, Vec.Load(source + lists.Index[t + 1] * ldSource));
            }
            if (t < stop) a = Vec.Add(a, Vec.Load(source + lists.Index[t] * ldSource));
            Vec.Store(Vec.Select(lanes, Vec.Add(a, b), Vec.Load(ci)), ci);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SumBlock(int* index, int* start, int* end, int lists, float* source, nint ldSource,
                         float* c, nint ldc, bool accumulate)
    {
        for (int i = 0; i < lists; i++)
        {
            float* ci = c + i * ldc;
            Vector512<float> a0 = default, a1 = default, b0 = default, b1 = default;
            if (accumulate)
            {
                a0 = Vector512.Load(ci); a1 = Vector512.Load(ci + 16);
            }
            int t = start[i], stop = end[i];
            for (; t + 2 <= stop; t += 2)
            {
                float* p = source + index[t] * ldSource, q = source + index[t + 1] * ldSource;
                a0 += Vector512.Load(p); a1 += Vector512.Load(p + 16);
                b0 += Vector512.Load(q); b1 += Vector512.Load(q + 16);
            }
            if (t < stop)
            {
                float* p = source + index[t] * ldSource;
                a0 += Vector512.Load(p); a1 += Vector512.Load(p + 16);
            }
            (a0 + b0).Store(ci); (a1 + b1).Store(ci + 16);
        }
    }

    /// One column strip of `cols` <= 16: masked loads and stores never touch past the width.
    static void SumMasked(int* index, int* start, int* end, int lists, float* source, nint ldSource,
                          float* c, nint ldc, int cols, bool accumulate)
    {
        var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols)).AsSingle();
        for (int i = 0; i < lists; i++)
        {
            float* ci = c + i * ldc;
            var a = accumulate ? Avx512F.MaskLoad(ci, mask, Vector512<float>.Zero) : Vector512<float>.Zero;
            var b = Vector512<float>.Zero;
            int t = start[i], stop = end[i];
            for (; t + 2 <= stop; t += 2)
            {
                a += Avx512F.MaskLoad(source + index[t] * ldSource, mask, Vector512<float>.Zero);
                b += Avx512F.MaskLoad(source + index[t + 1] * ldSource, mask, Vector512<float>.Zero);
            }
            if (t < stop) a += Avx512F.MaskLoad(source + index[t] * ldSource, mask, Vector512<float>.Zero);
            Avx512F.MaskStore(ci, mask, a + b);
        }
    }
}
