// SignedRowSum's Vector256 and Vector128 paths, one generic kernel for both widths (`IVec`): the
// Vector512 path's strips with four vectors in place of two, so a strip is 32 columns (AVX2) or
// 16 (the portable 128-bit API), and its randomly read rows stay in L1 (Zen 3's 32 KiB: a 200-row
// strip of 32 columns is 25 KiB).
//   Gather    strips of four vectors, two accumulator sets (even and odd entries: eight add chains),
//             then one-vector strips with four sets, then a last strip that ends at the width with
//             the lanes before it kept
//   Scatter   the same strips; the last one adds zeros in the lanes before it
// Widths below one vector take the scalar reference.
using System.Runtime.CompilerServices;

namespace SimdSfnn.Tensors;

internal static unsafe partial class SignedRowSum
{
    static void Gather<TV, Vec>(Lists lists, float* source, nint ld, float* c, nint ldc, int width, Initial initial)
        where TV : struct where Vec : IVec<TV>
    {
        int j0 = 0, n = Vec.Count;
        for (; width - j0 >= 4 * n; j0 += 4 * n) GatherBlock<TV, Vec>(lists, source + j0, ld, c + j0, ldc, initial.At(j0));
        for (; width - j0 >= n; j0 += n) GatherStrip<TV, Vec>(lists, source + j0, ld, c + j0, ldc, initial.At(j0), Vec.AllBitsSet);
        if (j0 < width) GatherStrip<TV, Vec>(lists, source + width - n, ld, c + width - n, ldc, initial.At(width - n), Vec.LastLanes(width - j0));
    }

    static void Scatter<TV, Vec>(Lists lists, float* source, nint ld, float* c, nint ldc, int width)
        where TV : struct where Vec : IVec<TV>
    {
        int j0 = 0, n = Vec.Count;
        for (; width - j0 >= 4 * n; j0 += 4 * n) ScatterBlock<TV, Vec>(lists, source + j0, ld, c + j0, ldc);
        for (; width - j0 >= n; j0 += n) ScatterStrip<TV, Vec>(lists, source + j0, ld, c + j0, ldc, Vec.AllBitsSet);
        if (j0 < width) ScatterStrip<TV, Vec>(lists, source + width - n, ld, c + width - n, ldc, Vec.LastLanes(width - j0));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GatherBlock<TV, Vec>(Lists lists, float* source, nint ld, float* c, nint ldc, Initial initial)
        where TV : struct where Vec : IVec<TV>
    {
        int n = Vec.Count;
        var next = initial.Start();
        for (int i = 0; i < lists.Count; i++)
        {
            float* ci = c + i * ldc;
            TV a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            if (initial.Rows != null)
            {
                float* start = initial.RowOf(ref next, ldc);
                a0 = Vec.Load(start); a1 = Vec.Load(start + n); a2 = Vec.Load(start + 2 * n); a3 = Vec.Load(start + 3 * n);
            }
            int* index = lists.PlusIndex;
            int t = lists.PlusStart[i], stop = lists.PlusEnd[i];
            for (; t + 2 <= stop; t += 2)
            {
                float* p = source + index[t] * ld, q = source + index[t + 1] * ld;
                a0 = Vec.Add(a0, Vec.Load(p)); a1 = Vec.Add(a1, Vec.Load(p + n)); a2 = Vec.Add(a2, Vec.Load(p + 2 * n)); a3 = Vec.Add(a3, Vec.Load(p + 3 * n));
                b0 = Vec.Add(b0, Vec.Load(q)); b1 = Vec.Add(b1, Vec.Load(q + n)); b2 = Vec.Add(b2, Vec.Load(q + 2 * n)); b3 = Vec.Add(b3, Vec.Load(q + 3 * n));
            }
            if (t < stop)
            {
                float* p = source + index[t] * ld;
                a0 = Vec.Add(a0, Vec.Load(p)); a1 = Vec.Add(a1, Vec.Load(p + n)); a2 = Vec.Add(a2, Vec.Load(p + 2 * n)); a3 = Vec.Add(a3, Vec.Load(p + 3 * n));
            }
            index = lists.MinusIndex;
            t = lists.MinusStart[i];
            stop = lists.MinusEnd[i];
            for (; t + 2 <= stop; t += 2)
            {
                float* p = source + index[t] * ld, q = source + index[t + 1] * ld;
                a0 = Vec.Subtract(a0, Vec.Load(p)); a1 = Vec.Subtract(a1, Vec.Load(p + n)); a2 = Vec.Subtract(a2, Vec.Load(p + 2 * n)); a3 = Vec.Subtract(a3, Vec.Load(p + 3 * n));
                b0 = Vec.Subtract(b0, Vec.Load(q)); b1 = Vec.Subtract(b1, Vec.Load(q + n)); b2 = Vec.Subtract(b2, Vec.Load(q + 2 * n)); b3 = Vec.Subtract(b3, Vec.Load(q + 3 * n));
            }
            if (t < stop)
            {
                float* p = source + index[t] * ld;
                b0 = Vec.Subtract(b0, Vec.Load(p)); b1 = Vec.Subtract(b1, Vec.Load(p + n)); b2 = Vec.Subtract(b2, Vec.Load(p + 2 * n)); b3 = Vec.Subtract(b3, Vec.Load(p + 3 * n));
            }
            Vec.Store(Vec.Add(a0, b0), ci); Vec.Store(Vec.Add(a1, b1), ci + n); Vec.Store(Vec.Add(a2, b2), ci + 2 * n); Vec.Store(Vec.Add(a3, b3), ci + 3 * n);
        }
    }

    /// One vector's columns; only the `lanes` set are written (the others keep c's value).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GatherStrip<TV, Vec>(Lists lists, float* source, nint ld, float* c, nint ldc, Initial initial, TV lanes)
        where TV : struct where Vec : IVec<TV>
    {
        var next = initial.Start();
        for (int i = 0; i < lists.Count; i++)
        {
            float* ci = c + i * ldc;
            TV a = default, b = default, e = default, f = default;
            int* index = lists.PlusIndex;
            int t = lists.PlusStart[i], stop = lists.PlusEnd[i];
            for (; t + 4 <= stop; t += 4)
            {
                a = Vec.Add(a, Vec.Load(source + index[t] * ld)); b = Vec.Add(b, Vec.Load(source + index[t + 1] * ld));
                e = Vec.Add(e, Vec.Load(source + index[t + 2] * ld)); f = Vec.Add(f, Vec.Load(source + index[t + 3] * ld));
            }
            for (; t < stop; t++) a = Vec.Add(a, Vec.Load(source + index[t] * ld));
            index = lists.MinusIndex;
            t = lists.MinusStart[i];
            stop = lists.MinusEnd[i];
            for (; t + 4 <= stop; t += 4)
            {
                a = Vec.Subtract(a, Vec.Load(source + index[t] * ld)); b = Vec.Subtract(b, Vec.Load(source + index[t + 1] * ld));
                e = Vec.Subtract(e, Vec.Load(source + index[t + 2] * ld)); f = Vec.Subtract(f, Vec.Load(source + index[t + 3] * ld));
            }
            for (; t < stop; t++) b = Vec.Subtract(b, Vec.Load(source + index[t] * ld));
            var sum = Vec.Add(Vec.Add(a, b), Vec.Add(e, f));
            if (initial.Rows != null) sum = Vec.Add(sum, Vec.Load(initial.RowOf(ref next, ldc)));
            Vec.Store(Vec.Select(lanes, sum, Vec.Load(ci)), ci);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ScatterBlock<TV, Vec>(Lists lists, float* source, nint ld, float* c, nint ldc)
        where TV : struct where Vec : IVec<TV>
    {
        int n = Vec.Count;
        for (int i = 0; i < lists.Count; i++)
        {
            float* row = source + i * ld;
            TV v0 = Vec.Load(row), v1 = Vec.Load(row + n), v2 = Vec.Load(row + 2 * n), v3 = Vec.Load(row + 3 * n);
            int* index = lists.PlusIndex;
            for (int t = lists.PlusStart[i], stop = lists.PlusEnd[i]; t < stop; t++)
            {
                float* p = c + index[t] * ldc;
                Vec.Store(Vec.Add(Vec.Load(p), v0), p); Vec.Store(Vec.Add(Vec.Load(p + n), v1), p + n);
                Vec.Store(Vec.Add(Vec.Load(p + 2 * n), v2), p + 2 * n); Vec.Store(Vec.Add(Vec.Load(p + 3 * n), v3), p + 3 * n);
            }
            index = lists.MinusIndex;
            for (int t = lists.MinusStart[i], stop = lists.MinusEnd[i]; t < stop; t++)
            {
                float* p = c + index[t] * ldc;
                Vec.Store(Vec.Subtract(Vec.Load(p), v0), p); Vec.Store(Vec.Subtract(Vec.Load(p + n), v1), p + n);
                Vec.Store(Vec.Subtract(Vec.Load(p + 2 * n), v2), p + 2 * n); Vec.Store(Vec.Subtract(Vec.Load(p + 3 * n), v3), p + 3 * n);
            }
        }
    }

    /// One vector's columns; the source lanes not in `lanes` are zeroed, so c keeps its value there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ScatterStrip<TV, Vec>(Lists lists, float* source, nint ld, float* c, nint ldc, TV lanes)
        where TV : struct where Vec : IVec<TV>
    {
        for (int i = 0; i < lists.Count; i++)
        {
            var v = Vec.And(Vec.Load(source + i * ld), lanes);
            int* index = lists.PlusIndex;
            for (int t = lists.PlusStart[i], stop = lists.PlusEnd[i]; t < stop; t++)
            {
                float* p = c + index[t] * ldc;
                Vec.Store(Vec.Add(Vec.Load(p), v), p);
            }
            index = lists.MinusIndex;
            for (int t = lists.MinusStart[i], stop = lists.MinusEnd[i]; t < stop; t++)
            {
                float* p = c + index[t] * ldc;
                Vec.Store(Vec.Subtract(Vec.Load(p), v), p);
            }
        }
    }
}
