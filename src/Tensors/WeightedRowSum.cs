// WeightedRowSum: c[i, :] += the rows of a source that list i selects, each times its own weight,
//   c[i * ldc + j] += sum_{t in list i} a[t] * source[index[t] * ldSource + j],   t in [start[i], end[i]),
// the adjoint of SelectedRowDot: the sparse gated layers' output map, o_r += sum over r's gates of
// m_ri V[i], and their weight gradients, G(We)[i] += sum over i's rows of gH_ri x_r and
// G(V)[i] += m_ri go_r (hand-written: TensorPrimitives has no gathered sum; SelectedRowSum is the
// unweighted one).
// Variants:
//   Sum            dispatch: Vector512 (columns in slices of 16 vectors held in registers while a
//                  list's entries add into them, slice by slice over all lists, so that a slice of
//                  every source row stays in L1; the vectors past the last whole slice one by one,
//                  the last masked), Vector256 and Vector128 (one generic kernel: per list, c in
//                  blocks of four vectors, then single vectors) or scalar
//   SumReference   scalar
// Every column adds its entries one fused multiply-add at a time in list order on every path, as
// the reference does (MathF.FusedMultiplyAdd): all paths give the same bits.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static unsafe class WeightedRowSum
{
    /// `c[i * ldc + j] = fma(a[t], source[index[t] * ldSource + j], c[i * ldc + j])` for the entries
    /// t of list i in order, `start[i] <= t < end[i]`, for every list i and column `j < width`.
    public static void Sum(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> a,
                           ReadOnlySpan<float> source, int ldSource, Span<float> c, int ldc, int width)
    {
        int lists = Check(index, start, end, a, source, ldSource, c, ldc, width);
        bool vector512 = KernelIsa.UseVector512 && Avx512F.IsSupported;
        if (!vector512 && !KernelIsa.UseVector256 && !KernelIsa.UseVector128)
        {
            SumReference(index, start, end, a, source, ldSource, c, ldc, width);
            return;
        }
        fixed (int* pIndex = index, pStart = start, pEnd = end)
        fixed (float* pa = a, pSource = source, pc = c)
        {
            if (vector512)
            {
                Sum512(pIndex, pStart, pEnd, lists, pa, pSource, ldSource, pc, ldc, width);
                return;
            }
            for (int i = 0; i < lists; i++)
            {
                int t = pStart[i], stop = pEnd[i];
                if (t == stop) continue;
                float* ci = pc + (nint)i * ldc;
                if (KernelIsa.UseVector256) List<Vector256<float>, Vec256>(pIndex + t, pa + t, stop - t, pSource, ldSource, ci, width);
                else List<Vector128<float>, Vec128>(pIndex + t, pa + t, stop - t, pSource, ldSource, ci, width);
            }
        }
    }

    public static void SumReference(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> a,
                                    ReadOnlySpan<float> source, int ldSource, Span<float> c, int ldc, int width)
    {
        int lists = Check(index, start, end, a, source, ldSource, c, ldc, width);
        for (int i = 0; i < lists; i++)
            for (int j = 0; j < width; j++)
            {
                float sum = c[i * ldc + j];
                for (int t = start[i]; t < end[i]; t++) sum = MathF.FusedMultiplyAdd(a[t], source[index[t] * ldSource + j], sum);
                c[i * ldc + j] = sum;
            }
    }

    static int Check(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, ReadOnlySpan<float> a,
                     ReadOnlySpan<float> source, int ldSource, Span<float> c, int ldc, int width)
    {
        if (width < 0) SfnnThrow.Argument("the width is negative", nameof(width));
        if (ldSource < width) SfnnThrow.Argument("the source's row stride is shorter than the width", nameof(ldSource));
        var (lists, entries) = RowLists.Check(index, start, end, RowLists.SourceRows(source.Length, ldSource, width));
        if (a.Length < entries) SfnnThrow.ArgumentLength(nameof(a), a.Length, entries);
        RowLists.CheckRows(c.Length, ldc, width, lists, nameof(c));
        return lists;
    }

    const int Held = 16; // vectors of c held in registers: a slice of 256 floats

    /// Slices of 16 whole vectors, all lists per slice; the vectors past the whole slices one at a time.
    static void Sum512(int* index, int* start, int* end, int lists, float* a, float* source, nint ld, float* c, nint ldc, int width)
    {
        int j = 0;
        for (; j + 16 * Held <= width; j += 16 * Held)
            for (int i = 0; i < lists; i++)
            {
                int t = start[i], n = end[i] - t;
                if (n > 0) Slice512(index + t, a + t, n, source + j, ld, c + i * ldc + j);
            }
        for (; j < width; j += 16)
        {
            // the last vector masked: nothing past the width is read or written
            var lanes = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width - j)).AsSingle();
            for (int i = 0; i < lists; i++)
            {
                int t = start[i], stop = end[i];
                if (t == stop) continue;
                float* ci = c + i * ldc + j;
                var sum = Avx512F.MaskLoad(ci, lanes, Vector512<float>.Zero);
                for (; t < stop; t++)
                    sum = Vector512.FusedMultiplyAdd(Vector512.Create(a[t]), Avx512F.MaskLoad(source + index[t] * ld + j, lanes, Vector512<float>.Zero), sum);
                Avx512F.MaskStore(ci, lanes, sum);
            }
        }
    }

    /// One list's `n` entries into 16 vectors of the row `c`.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Slice512(int* index, float* a, int n, float* x, nint ld, float* c)
    {
        Vector512<float> c0 = Vector512.Load(c), c1 = Vector512.Load(c + 16), c2 = Vector512.Load(c + 32), c3 = Vector512.Load(c + 48);
        Vector512<float> c4 = Vector512.Load(c + 64), c5 = Vector512.Load(c + 80), c6 = Vector512.Load(c + 96), c7 = Vector512.Load(c + 112);
        Vector512<float> c8 = Vector512.Load(c + 128), c9 = Vector512.Load(c + 144), c10 = Vector512.Load(c + 160), c11 = Vector512.Load(c + 176);
        Vector512<float> c12 = Vector512.Load(c + 192), c13 = Vector512.Load(c + 208), c14 = Vector512.Load(c + 224), c15 = Vector512.Load(c + 240);
        for (int t = 0; t < n; t++)
        {
            var at = Vector512.Create(a[t]);
            float* r = x + index[t] * ld;
            c0 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r), c0);
            c1 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 32), c2);
            c3 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 48), c3);
            c4 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 64), c4);
            c5 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 80), c5);
            c6 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 96), c6);
            c7 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 112), c7);
            c8 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 128), c8);
            c9 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 144), c9);
            c10 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 160), c10);
            c11 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 176), c11);
            c12 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 192), c12);
            c13 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 208), c13);
            c14 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 224), c14);
            c15 = Vector512.FusedMultiplyAdd(at, Vector512.Load(r + 240), c15);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48);
        c4.Store(c + 64); c5.Store(c + 80); c6.Store(c + 96); c7.Store(c + 112);
        c8.Store(c + 128); c9.Store(c + 144); c10.Store(c + 160); c11.Store(c + 176);
        c12.Store(c + 192); c13.Store(c + 208); c14.Store(c + 224); c15.Store(c + 240);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void List<TV, Vec>(int* index, float* a, int n, float* source, nint ld, float* c, int width)
        where TV : struct where Vec : IVec<TV>
    {
        int v = Vec.Count, j = 0;
        for (; j + 4 * v <= width; j += 4 * v)
        {
            TV c0 = Vec.Load(c + j), c1 = Vec.Load(c + j + v), c2 = Vec.Load(c + j + 2 * v), c3 = Vec.Load(c + j + 3 * v);
            for (int t = 0; t < n; t++)
            {
                var at = Vec.Create(a[t]);
                float* x = source + index[t] * ld + j;
                c0 = Vec.Fma(at, Vec.Load(x), c0);
                c1 = Vec.Fma(at, Vec.Load(x + v), c1);
                c2 = Vec.Fma(at, Vec.Load(x + 2 * v), c2);
                c3 = Vec.Fma(at, Vec.Load(x + 3 * v), c3);
            }
            Vec.Store(c0, c + j);
            Vec.Store(c1, c + j + v);
            Vec.Store(c2, c + j + 2 * v);
            Vec.Store(c3, c + j + 3 * v);
        }
        for (; j < width; j += v)
        {
            int count = width - j;
            var sum = Vec.LoadFirst(c + j, count);
            for (int t = 0; t < n; t++) sum = Vec.Fma(Vec.Create(a[t]), Vec.LoadFirst(source + index[t] * ld + j, count), sum);
            Vec.StoreFirst(sum, c + j, count);
        }
    }
}
