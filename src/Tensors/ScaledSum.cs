// ScaledSum: the minibatch gradient from two shards' sums, total = (a + b) * scale, in one pass
// that also says whether every entry is finite (TensorPrimitives took one pass for the sum and a
// second for the largest magnitude: 7% of a deterministic step).
//   Apply       dispatch: Vector512, Vector256 or Vector128 (one generic loop) or scalar, the same
//               add and multiply on every path
//   Reference   scalar
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class ScaledSum
{
    /// `total[i] = (a[i] + b[i]) * scale`; returns whether every `total[i]` is finite.
    public static bool Apply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, Span<float> total)
    {
        int n = Check(a, b, total);
        int i = 0;
        bool finite = true;
        if (KernelIsa.UseVector256) i = Apply<Vector256<float>, Vec256>(a, b, scale, total, out finite);
        else if (KernelIsa.UseVector128) i = Apply<Vector128<float>, Vec128>(a, b, scale, total, out finite);
        else if (KernelIsa.UseVector512)
        {
            var s = Vector512.Create(scale);
            var infinity = Vector512.Create(float.PositiveInfinity);
            var allFinite = Vector512<uint>.AllBitsSet;
            for (; i + 16 <= n; i += 16)
            {
                var t = (Vector512.LoadUnsafe(in a[i]) + Vector512.LoadUnsafe(in b[i])) * s;
                t.StoreUnsafe(ref total[i]);
                allFinite &= Vector512.LessThan(Vector512.Abs(t), infinity).AsUInt32(); // false for NaN too
            }
            finite = allFinite == Vector512<uint>.AllBitsSet;
        }
        for (; i < n; i++) finite &= Entry(a, b, scale, total, i);
        return finite;
    }

    /// The whole vectors; returns where the scalar tail starts.
    static int Apply<TV, Vec>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, Span<float> total, out bool finite)
        where TV : struct where Vec : IVec<TV>
    {
        var s = Vec.Create(scale);
        var allFinite = Vec.AllBitsSet;
        int i = 0;
        for (; i + Vec.Count <= a.Length; i += Vec.Count)
        {
            var t = Vec.Multiply(Vec.Add(Vec.Load(in a[i], 0), Vec.Load(in b[i], 0)), s);
            Vec.Store(t, ref total[i], 0);
            allFinite = Vec.And(allFinite, Vec.Finite(t));
        }
        finite = Vec.All(allFinite);
        return i;
    }

    public static bool Reference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, Span<float> total)
    {
        int n = Check(a, b, total);
        bool finite = true;
        for (int i = 0; i < n; i++) finite &= Entry(a, b, scale, total, i);
        return finite;
    }

    static bool Entry(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float scale, Span<float> total, int i)
    {
        total[i] = (a[i] + b[i]) * scale;
        return float.IsFinite(total[i]);
    }

    static int Check(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> total)
    {
        if (b.Length != a.Length) SfnnThrow.ArgumentLength(nameof(b), b.Length, a.Length);
        if (total.Length != a.Length) SfnnThrow.ArgumentLength(nameof(total), total.Length, a.Length);
        return a.Length;
    }
}
