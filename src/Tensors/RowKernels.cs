using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SimdSfnn.Tensors;

// RowKernels: one weight row against four input rows, the inner loops of the sparse gated layers
// (hand-written: TensorPrimitives has one-row Dot and MultiplyAdd, which reload the weight row per
// input row; here it is loaded once for four).
//   Dot4    s[u] = sum_j w[j] x_u[j], u = 0..3
//   Axpy4   w[j] += sum_u a[u] x_u[j]
// Vector<float> with a scalar tail on every accelerated path (`SFNN_FORCE_KERNEL=Scalar` runs the
// tail alone); the sums are per-lane then horizontal, so they round unlike a sequential sum.
//   Reference   scalar, beside each (property tests over every path and odd lengths)
internal static class RowKernels
{
    static bool Accelerated => KernelIsa.Current != Isa.Scalar && Vector.IsHardwareAccelerated;

    /// `s[u] = sum_j w[j] * x_u[j]` for the four rows.
    public static void Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2,
                            ReadOnlySpan<float> x3, Span<float> s)
    {
        int n = w.Length, j = 0;
        if (x0.Length < n || x1.Length < n || x2.Length < n || x3.Length < n || s.Length < 4) SfnnThrow.Argument("rows shorter than w");
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float p0 = ref MemoryMarshal.GetReference(x0), p1 = ref MemoryMarshal.GetReference(x1);
        ref float p2 = ref MemoryMarshal.GetReference(x2), p3 = ref MemoryMarshal.GetReference(x3);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (; Accelerated && j + Vector<float>.Count <= n; j += Vector<float>.Count)
        {
            var wj = Vector.LoadUnsafe(ref pw, (nuint)j);
            s0 = Vector.FusedMultiplyAdd(wj, Vector.LoadUnsafe(ref p0, (nuint)j), s0);
            s1 = Vector.FusedMultiplyAdd(wj, Vector.LoadUnsafe(ref p1, (nuint)j), s1);
            s2 = Vector.FusedMultiplyAdd(wj, Vector.LoadUnsafe(ref p2, (nuint)j), s2);
            s3 = Vector.FusedMultiplyAdd(wj, Vector.LoadUnsafe(ref p3, (nuint)j), s3);
        }
        float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
        for (; j < n; j++)
        {
            float wj = Unsafe.Add(ref pw, j);
            t0 += wj * Unsafe.Add(ref p0, j);
            t1 += wj * Unsafe.Add(ref p1, j);
            t2 += wj * Unsafe.Add(ref p2, j);
            t3 += wj * Unsafe.Add(ref p3, j);
        }
        (s[0], s[1], s[2], s[3]) = (t0, t1, t2, t3);
    }

    /// `w[j] += a[0] x0[j] + a[1] x1[j] + a[2] x2[j] + a[3] x3[j]`.
    public static void Axpy4(ReadOnlySpan<float> a, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2,
                             ReadOnlySpan<float> x3, Span<float> w)
    {
        int n = w.Length, j = 0;
        if (x0.Length < n || x1.Length < n || x2.Length < n || x3.Length < n || a.Length < 4) SfnnThrow.Argument("rows shorter than w");
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float p0 = ref MemoryMarshal.GetReference(x0), p1 = ref MemoryMarshal.GetReference(x1);
        ref float p2 = ref MemoryMarshal.GetReference(x2), p3 = ref MemoryMarshal.GetReference(x3);
        Vector<float> a0 = new(a[0]), a1 = new(a[1]), a2 = new(a[2]), a3 = new(a[3]);
        for (; Accelerated && j + Vector<float>.Count <= n; j += Vector<float>.Count)
        {
            var sum = Vector.LoadUnsafe(ref pw, (nuint)j);
            sum = Vector.FusedMultiplyAdd(a0, Vector.LoadUnsafe(ref p0, (nuint)j), sum);
            sum = Vector.FusedMultiplyAdd(a1, Vector.LoadUnsafe(ref p1, (nuint)j), sum);
            sum = Vector.FusedMultiplyAdd(a2, Vector.LoadUnsafe(ref p2, (nuint)j), sum);
            sum = Vector.FusedMultiplyAdd(a3, Vector.LoadUnsafe(ref p3, (nuint)j), sum);
            sum.StoreUnsafe(ref pw, (nuint)j);
        }
        for (; j < n; j++)
            Unsafe.Add(ref pw, j) += a[0] * Unsafe.Add(ref p0, j) + a[1] * Unsafe.Add(ref p1, j) + a[2] * Unsafe.Add(ref p2, j) + a[3] * Unsafe.Add(ref p3, j);
    }

    public static void Dot4Reference(ReadOnlySpan<float> w, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2,
                                     ReadOnlySpan<float> x3, Span<float> s)
    {
        s[..4].Clear();
        for (int j = 0; j < w.Length; j++)
        {
            s[0] += w[j] * x0[j];
            s[1] += w[j] * x1[j];
            s[2] += w[j] * x2[j];
            s[3] += w[j] * x3[j];
        }
    }

    public static void Axpy4Reference(ReadOnlySpan<float> a, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2,
                                      ReadOnlySpan<float> x3, Span<float> w)
    {
        for (int j = 0; j < w.Length; j++) w[j] += a[0] * x0[j] + a[1] * x1[j] + a[2] * x2[j] + a[3] * x3[j];
    }
}
