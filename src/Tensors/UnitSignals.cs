// UnitSignals: the elementwise kernels of the units that back-propagate themselves (units.md).
//   RectifierGate  d = g where x > 0, else 0: the noisy rectifier's d with x = a + z
//   StsSlope       d = b sqrt(p) (1 - p) / 2 g, p = sigmoid(a): STS's d with its coin b held
//   Below          b = 1 where u < t, else 0: a coin from a uniform and its probability
//   dispatch: Vector256 (also on AVX-512 CPUs, which have AVX2) or Vector128, one generic loop
//             each, or scalar; the sigmoid is the engine's (SigmoidOp), as in Sigmoid.Compute
//   Reference      scalar, beside each
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class UnitSignals
{
    static bool Wide => KernelIsa.UseVector512 || KernelIsa.UseVector256;

    /// `d[i] = x[i] > 0 ? g[i] : 0`; `d` may be `x` or `g`.
    public static void RectifierGate(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d)
    {
        Check(x, g, d);
        int i = Wide ? RectifierGate<Vector256<float>, Vec256>(x, g, d) : KernelIsa.UseVector128 ? RectifierGate<Vector128<float>, Vec128>(x, g, d) : 0;
        for (; i < x.Length; i++) d[i] = x[i] > 0 ? g[i] : 0f;
    }

    static int RectifierGate<TV, Vec>(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d) where TV : struct where Vec : IVec<TV>
    {
        var zero = Vec.Create(0f);
        int i = 0;
        for (; i + Vec.Count <= x.Length; i += Vec.Count)
            Vec.Store(Vec.Select(Vec.LessThan(zero, Vec.Load(in x[i], 0)), Vec.Load(in g[i], 0), zero), ref d[i], 0);
        return i;
    }

    public static void RectifierGateReference(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d)
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] > 0 ? g[i] : 0f;
    }

    /// `d[i] = b[i] sqrt(p) (1 - p) / 2 g[i]`, `p = sigmoid(a[i])`; `d` may be any of the inputs.
    public static void StsSlope(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> g, Span<float> d)
    {
        Check(a, b, d);
        if (g.Length != a.Length) SfnnThrow.ArgumentLength(nameof(g), g.Length, a.Length);
        int i = Wide ? StsSlope<Vector256<float>, Vec256>(a, b, g, d) : KernelIsa.UseVector128 ? StsSlope<Vector128<float>, Vec128>(a, b, g, d) : 0;
        for (; i < a.Length; i++) d[i] = StsSlopeOf(a[i], b[i], g[i]);
    }

    static int StsSlope<TV, Vec>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> g, Span<float> d) where TV : struct where Vec : IVec<TV>
    {
        var one = Vec.Create(1f);
        var half = Vec.Create(0.5f);
        int i = 0;
        for (; i + Vec.Count <= a.Length; i += Vec.Count)
        {
            var p = Vec.Sigmoid(Vec.Load(in a[i], 0));
            var slope = Vec.Multiply(Vec.Multiply(Vec.Sqrt(p), Vec.Subtract(one, p)), half);
            Vec.Store(Vec.Multiply(Vec.Multiply(Vec.Load(in b[i], 0), slope), Vec.Load(in g[i], 0)), ref d[i], 0);
        }
        return i;
    }

    public static void StsSlopeReference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> g, Span<float> d)
    {
        for (int i = 0; i < a.Length; i++) d[i] = StsSlopeOf(a[i], b[i], g[i]);
    }

    static float StsSlopeOf(float a, float b, float g)
    {
        float p = SigmoidOp.Invoke(a);
        return b * (MathF.Sqrt(p) * (1f - p) * 0.5f) * g;
    }

    /// `b[i] = u[i] < t[i] ? 1 : 0`; `b` may be `u` or `t`.
    public static void Below(ReadOnlySpan<float> u, ReadOnlySpan<float> t, Span<float> b)
    {
        Check(u, t, b);
        int i = Wide ? Below<Vector256<float>, Vec256>(u, t, b) : KernelIsa.UseVector128 ? Below<Vector128<float>, Vec128>(u, t, b) : 0;
        for (; i < u.Length; i++) b[i] = u[i] < t[i] ? 1f : 0f;
    }

    static int Below<TV, Vec>(ReadOnlySpan<float> u, ReadOnlySpan<float> t, Span<float> b) where TV : struct where Vec : IVec<TV>
    {
        var one = Vec.Create(1f);
        var zero = Vec.Create(0f);
        int i = 0;
        for (; i + Vec.Count <= u.Length; i += Vec.Count)
            Vec.Store(Vec.Select(Vec.LessThan(Vec.Load(in u[i], 0), Vec.Load(in t[i], 0)), one, zero), ref b[i], 0);
        return i;
    }

    public static void BelowReference(ReadOnlySpan<float> u, ReadOnlySpan<float> t, Span<float> b)
    {
        for (int i = 0; i < u.Length; i++) b[i] = u[i] < t[i] ? 1f : 0f;
    }

    static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        if (y.Length != x.Length) SfnnThrow.ArgumentLength(nameof(y), y.Length, x.Length);
        if (d.Length < x.Length) SfnnThrow.DestinationTooShort();
    }
}
