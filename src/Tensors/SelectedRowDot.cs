// SelectedRowDot: the dot products of selected rows of a source with one row of y per list,
//   s[t] (+)= sum_j source[index[t] * ldSource + j] * y[i * ldy + j]   for t in list i, [start[i], end[i]),
// the sampled products of the sparse gated layers: the experts at the active (row, gate) pairs,
// H_ri = We[i] . x_r, and the output map's back-propagated gm_ri = V[i] . go_r (hand-written:
// TensorPrimitives' one-row Dot reloads y[i] for every row; here one load of it serves the list).
// Variants:
//   Dot            dispatch: Vector512 (columns in slices of 16 vectors: a list's slice of y sits in
//                  registers while its entries' rows stream past, one load per FMA; each slice's two
//                  partial sums, even and odd vectors, are summed across lanes and added to s in
//                  turn; the vectors past the last whole slice join it, their y loaded per entry),
//                  Vector256 and Vector128 (one generic kernel: a list's rows four, then two, then one
//                  to a sweep of y, two partial sums per row over the whole width) or scalar
//   DotReference   scalar, sequential over j
// On every path an entry sums in the same order whichever other entries share its list (an
// expert's value does not depend on which other rows have its gate on). A row's last vector is a
// masked load: nothing past the width is read. The slices keep a slice of every source row in L1
// (32 rows of 256 floats are 32 KiB) while the lists sweep it: whole rows of x (100 KB for 32 rows)
// came from L2, and with four rows to a sweep of y that took 1.5x the time.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static unsafe class SelectedRowDot
{
    /// `s[t] (+)= sum_{j < width} source[index[t] * ldSource + j] * y[i * ldy + j]` for every entry
    /// t of every list i, `start[i] <= t < end[i]`; `accumulate` false overwrites s. Entries no
    /// list holds are left alone. The Vector512 path adds each 256-float slice's sum to s in turn.
    public static void Dot(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> source, int ldSource,
                           ReadOnlySpan<float> y, int ldy, int width, Span<float> s, bool accumulate)
    {
        int lists = Check(index, start, end, source, ldSource, y, ldy, width, s);
        bool vector512 = KernelIsa.UseVector512 && Avx512F.IsSupported;
        if (!vector512 && !KernelIsa.UseVector256 && !KernelIsa.UseVector128)
        {
            DotReference(index, start, end, source, ldSource, y, ldy, width, s, accumulate);
            return;
        }
        fixed (int* pIndex = index, pStart = start, pEnd = end)
        fixed (float* pSource = source, py = y, ps = s)
        {
            if (vector512)
            {
                Dot512(pIndex, pStart, pEnd, lists, pSource, ldSource, py, ldy, width, ps, accumulate);
                return;
            }
            for (int i = 0; i < lists; i++)
            {
                float* yi = py + (nint)i * ldy;
                if (KernelIsa.UseVector256) List<Vector256<float>, Vec256>(pIndex, pStart[i], pEnd[i], pSource, ldSource, yi, width, ps, accumulate);
                else List<Vector128<float>, Vec128>(pIndex, pStart[i], pEnd[i], pSource, ldSource, yi, width, ps, accumulate);
            }
        }
    }

    public static void DotReference(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> source, int ldSource,
                                    ReadOnlySpan<float> y, int ldy, int width, Span<float> s, bool accumulate)
    {
        int lists = Check(index, start, end, source, ldSource, y, ldy, width, s);
        for (int i = 0; i < lists; i++)
            for (int t = start[i]; t < end[i]; t++)
            {
                float sum = 0;
                for (int j = 0; j < width; j++) sum += source[index[t] * ldSource + j] * y[i * ldy + j];
                s[t] = accumulate ? s[t] + sum : sum;
            }
    }

    static int Check(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> source, int ldSource,
                     ReadOnlySpan<float> y, int ldy, int width, Span<float> s)
    {
        if (width < 0) SfnnThrow.Argument("the width is negative", nameof(width));
        if (ldSource < width) SfnnThrow.Argument("the source's row stride is shorter than the width", nameof(ldSource));
        var (lists, entries) = RowLists.Check(index, start, end, RowLists.SourceRows(source.Length, ldSource, width));
        RowLists.CheckRows(y.Length, ldy, width, lists, nameof(y));
        if (s.Length < entries) SfnnThrow.DestinationTooShort(nameof(s));
        return lists;
    }

    const int Held = 16; // vectors of y held in registers: a slice of 256 floats

    /// Slices of 16 whole vectors; the vectors past the last whole slice (and a last partial one,
    /// masked) go with the last slice, their y loaded per entry; a width under 256 is one slice
    /// of those alone.
    static void Dot512(int* index, int* start, int* end, int lists, float* source, nint ld, float* y, nint ldy, int width, float* s, bool accumulate)
    {
        if (!accumulate)
            for (int i = 0; i < lists; i++) new Span<float>(s + start[i], end[i] - start[i]).Clear();
        int whole = width / 16, slices = Math.Max(1, whole / Held);
        var last = Lanes(width % 16 == 0 ? 16 : width % 16);
        for (int slice = 0; slice < slices; slice++)
        {
            int j = slice * Held * 16;
            int held = whole >= Held ? Held : 0, extra = slice < slices - 1 ? 0 : (width - j - 16 * held + 15) / 16;
            for (int i = 0; i < lists; i++)
            {
                int t = start[i], count = end[i] - t;
                if (count == 0) continue;
                if (held == Held) Slice512<Sixteen>(index + t, count, source + j, ld, y + i * ldy + j, extra, last, s + t);
                else Slice512<None>(index + t, count, source + j, ld, y + i * ldy + j, extra, last, s + t);
            }
        }
    }

    interface IHeld { static abstract bool InRegisters { get; } }
    readonly struct Sixteen : IHeld { public static bool InRegisters => true; }
    readonly struct None : IHeld { public static bool InRegisters => false; }

    /// `s[u] += y . x[index[u]]` over one slice for `count` entries: 16 vectors of y in registers
    /// (or none), then `extra` vectors whose y is loaded per entry, the last of them masked to `last`.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Slice512<H>(int* index, int count, float* x, nint ld, float* y, int extra, Vector512<float> last, float* s) where H : struct, IHeld
    {
        Vector512<float> y0 = default, y1 = default, y2 = default, y3 = default, y4 = default, y5 = default, y6 = default, y7 = default;
        Vector512<float> y8 = default, y9 = default, y10 = default, y11 = default, y12 = default, y13 = default, y14 = default, y15 = default;
        if (H.InRegisters)
        {
            y0 = Vector512.Load(y); y1 = Vector512.Load(y + 16); y2 = Vector512.Load(y + 32); y3 = Vector512.Load(y + 48);
            y4 = Vector512.Load(y + 64); y5 = Vector512.Load(y + 80); y6 = Vector512.Load(y + 96); y7 = Vector512.Load(y + 112);
            y8 = Vector512.Load(y + 128); y9 = Vector512.Load(y + 144); y10 = Vector512.Load(y + 160); y11 = Vector512.Load(y + 176);
            y12 = Vector512.Load(y + 192); y13 = Vector512.Load(y + 208); y14 = Vector512.Load(y + 224); y15 = Vector512.Load(y + 240);
        }
        int offset = H.InRegisters ? 256 : 0;
        for (int u = 0; u < count; u++)
        {
            float* r = x + index[u] * ld;
            Vector512<float> a = default, b = default;
            if (H.InRegisters)
            {
                a = y0 * Vector512.Load(r);
                b = y1 * Vector512.Load(r + 16);
                a = Vector512.FusedMultiplyAdd(y2, Vector512.Load(r + 32), a);
                b = Vector512.FusedMultiplyAdd(y3, Vector512.Load(r + 48), b);
                a = Vector512.FusedMultiplyAdd(y4, Vector512.Load(r + 64), a);
                b = Vector512.FusedMultiplyAdd(y5, Vector512.Load(r + 80), b);
                a = Vector512.FusedMultiplyAdd(y6, Vector512.Load(r + 96), a);
                b = Vector512.FusedMultiplyAdd(y7, Vector512.Load(r + 112), b);
                a = Vector512.FusedMultiplyAdd(y8, Vector512.Load(r + 128), a);
                b = Vector512.FusedMultiplyAdd(y9, Vector512.Load(r + 144), b);
                a = Vector512.FusedMultiplyAdd(y10, Vector512.Load(r + 160), a);
                b = Vector512.FusedMultiplyAdd(y11, Vector512.Load(r + 176), b);
                a = Vector512.FusedMultiplyAdd(y12, Vector512.Load(r + 192), a);
                b = Vector512.FusedMultiplyAdd(y13, Vector512.Load(r + 208), b);
                a = Vector512.FusedMultiplyAdd(y14, Vector512.Load(r + 224), a);
                b = Vector512.FusedMultiplyAdd(y15, Vector512.Load(r + 240), b);
            }
            if (extra > 0)
            {
                int k = offset;
                for (; k < offset + 16 * (extra - 1); k += 16) a = Vector512.FusedMultiplyAdd(Vector512.Load(y + k), Vector512.Load(r + k), a);
                b = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(y + k, last, Vector512<float>.Zero), Avx512F.MaskLoad(r + k, last, Vector512<float>.Zero), b);
            }
            s[u] += Sum(a + b);
        }
    }

    /// The sum of the 16 lanes: halves, quarters, then within a quarter (Vector512.Sum took 25 instructions).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Sum(Vector512<float> v)
    {
        var half = v.GetLower() + v.GetUpper();
        var quarter = half.GetLower() + half.GetUpper();
        var pair = quarter + Sse.MoveHighToLow(quarter, quarter);
        return (pair + Sse.Shuffle(pair, pair, 0b01)).ToScalar();
    }

    /// The first `count` lanes (all from 16).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Lanes(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    interface IRows { static abstract int Count { get; } }
    readonly struct One : IRows { public static int Count => 1; }
    readonly struct Two : IRows { public static int Count => 2; }
    readonly struct Four : IRows { public static int Count => 4; }

    /// One list on the narrower paths: its rows four, then two, then one to a sweep of y.
    static void List<TV, Vec>(int* index, int t, int stop, float* source, nint ld, float* y, int width, float* s, bool accumulate)
        where TV : struct where Vec : IVec<TV>
    {
        for (; t + 4 <= stop; t += 4)
            Rows<TV, Vec, Four>(y, source + index[t] * ld, source + index[t + 1] * ld, source + index[t + 2] * ld, source + index[t + 3] * ld, width, s + t, accumulate);
        if (t + 2 <= stop)
        {
            float* x1 = source + index[t + 1] * ld;
            Rows<TV, Vec, Two>(y, source + index[t] * ld, x1, x1, x1, width, s + t, accumulate);
            t += 2;
        }
        if (t < stop)
        {
            float* x0 = source + index[t] * ld;
            Rows<TV, Vec, One>(y, x0, x0, x0, x0, width, s + t, accumulate);
        }
    }

    /// Rows x0 .. x(R - 1) against y, two partial sums per row (a: even vectors, b: odd): eight
    /// chains of FMAs in the 16 registers of AVX2.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Rows<TV, Vec, R>(float* y, float* x0, float* x1, float* x2, float* x3, int width, float* s, bool accumulate)
        where TV : struct where Vec : IVec<TV> where R : struct, IRows
    {
        TV a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        int n = Vec.Count, j = 0;
        for (; j + 2 * n <= width; j += 2 * n)
        {
            Step<TV, Vec, R>(y + j, x0 + j, x1 + j, x2 + j, x3 + j, n, ref a0, ref a1, ref a2, ref a3);
            Step<TV, Vec, R>(y + j + n, x0 + j + n, x1 + j + n, x2 + j + n, x3 + j + n, n, ref b0, ref b1, ref b2, ref b3);
        }
        if (j < width) Step<TV, Vec, R>(y + j, x0 + j, x1 + j, x2 + j, x3 + j, width - j, ref a0, ref a1, ref a2, ref a3);
        if ((j += n) < width) Step<TV, Vec, R>(y + j, x0 + j, x1 + j, x2 + j, x3 + j, width - j, ref b0, ref b1, ref b2, ref b3);
        Put(s, Vec.Sum(Vec.Add(a0, b0)), accumulate);
        if (R.Count > 1) Put(s + 1, Vec.Sum(Vec.Add(a1, b1)), accumulate);
        if (R.Count > 2)
        {
            Put(s + 2, Vec.Sum(Vec.Add(a2, b2)), accumulate);
            Put(s + 3, Vec.Sum(Vec.Add(a3, b3)), accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put(float* s, float sum, bool accumulate)
    {
        if (accumulate) *s += sum;
        else *s = sum;
    }

    /// One vector of each row, its first `count` lanes (all from `Count`).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Step<TV, Vec, R>(float* y, float* x0, float* x1, float* x2, float* x3, int count, ref TV s0, ref TV s1, ref TV s2, ref TV s3)
        where TV : struct where Vec : IVec<TV> where R : struct, IRows
    {
        bool whole = count >= Vec.Count;
        var w = whole ? Vec.Load(y) : Vec.LoadFirst(y, count);
        s0 = Vec.Fma(w, whole ? Vec.Load(x0) : Vec.LoadFirst(x0, count), s0);
        if (R.Count > 1) s1 = Vec.Fma(w, whole ? Vec.Load(x1) : Vec.LoadFirst(x1, count), s1);
        if (R.Count > 2)
        {
            s2 = Vec.Fma(w, whole ? Vec.Load(x2) : Vec.LoadFirst(x2, count), s2);
            s3 = Vec.Fma(w, whole ? Vec.Load(x3) : Vec.LoadFirst(x3, count), s3);
        }
    }
}
