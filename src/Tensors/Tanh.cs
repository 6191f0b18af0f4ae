// Tanh: the GSN's hidden unit (Bengio et al. 2014, section 7: tanh hidden layers) and its slope.
//   Compute            t = tanh(a): TensorPrimitives.Tanh (it already has the op)
//   Reference          scalar
//   Slope.Multiply     d = g (1 - t^2), the back-propagated signal through t = tanh(a), from t
//                      (hand-written to fuse the square, the difference and the product in one pass)
//   Slope.Reference    scalar
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class Tanh
{
    /// `t[i] = tanh(a[i])`; `t` may be `a`.
    public static void Compute(ReadOnlySpan<float> a, Span<float> t)
    {
        if (t.Length < a.Length) SfnnThrow.DestinationTooShort();
        if (a.IsEmpty) return; // TensorPrimitives refuses empty spans
        if (KernelIsa.Current != Isa.Scalar) TensorPrimitives.Tanh(a, t[..a.Length]); // at its own width, the widest this CPU has
        else Reference(a, t);
    }

    public static void Reference(ReadOnlySpan<float> a, Span<float> t)
    {
        if (t.Length < a.Length) SfnnThrow.DestinationTooShort();
        for (int i = 0; i < a.Length; i++) t[i] = MathF.Tanh(a[i]);
    }

    /// `d[i] = g[i] - g[i] t[i] t[i]` = `g (1 - t^2)`, one rounding less than the product form and
    /// the same fused multiply-add on every path; `d` may be `t` or `g`.
    public static void Slope(ReadOnlySpan<float> t, ReadOnlySpan<float> g, Span<float> d)
    {
        if (g.Length != t.Length) SfnnThrow.ArgumentLength(nameof(g), g.Length, t.Length);
        if (d.Length < t.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector256) i = Slope<Vector256<float>, Vec256>(t, g, d);
        else if (KernelIsa.UseVector128) i = Slope<Vector128<float>, Vec128>(t, g, d);
        else if (KernelIsa.UseVector512)
            for (; i + 16 <= t.Length; i += 16)
            {
                var tv = Vector512.LoadUnsafe(in t[i]);
                var gv = Vector512.LoadUnsafe(in g[i]);
                Vector512.FusedMultiplyAdd(-(gv * tv), tv, gv).StoreUnsafe(ref d[i]);
            }
        for (; i < t.Length; i++) d[i] = SlopeElement(t[i], g[i]);
    }

    /// The whole vectors; returns where the scalar tail starts.
    static int Slope<TV, Vec>(ReadOnlySpan<float> t, ReadOnlySpan<float> g, Span<float> d) where TV : struct where Vec : IVec<TV>
    {
        var minusOne = Vec.Create(-1f);
        int i = 0;
        for (; i + Vec.Count <= t.Length; i += Vec.Count)
        {
            var tv = Vec.Load(in t[i], 0);
            var gv = Vec.Load(in g[i], 0);
            Vec.Store(Vec.Fma(Vec.Multiply(Vec.Multiply(gv, tv), minusOne), tv, gv), ref d[i], 0);
        }
        return i;
    }

    static float SlopeElement(float t, float g) => MathF.FusedMultiplyAdd(-(g * t), t, g);

    public static void SlopeReference(ReadOnlySpan<float> t, ReadOnlySpan<float> g, Span<float> d)
    {
        for (int i = 0; i < t.Length; i++) d[i] = SlopeElement(t[i], g[i]);
    }
}
