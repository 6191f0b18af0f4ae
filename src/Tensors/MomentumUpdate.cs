// MomentumUpdate: classical momentum in one pass over the parameters, v = mu v + lr g and
// theta = theta + v, that also says whether every updated theta is finite (the divergence check
// would otherwise be a fourth pass; TensorPrimitives took three for the update) and, if asked,
// whether every gradient entry is: a separate pass over a worker's 326 KB of G(W_1) for that
// was 5% of a two-thread deterministic step.
//   Apply       dispatch: Vector512, Vector256 or Vector128 (one generic loop) or scalar, the same
//               fused multiply-adds on every path
//   Reference   scalar
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class MomentumUpdate
{
    /// Updates `velocity` and `theta` in place; returns whether every updated `theta` is finite.
    public static bool Apply(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient, float momentum, float learningRate) =>
        Apply(theta, velocity, gradient, momentum, learningRate, out _);

    /// `Apply`, and whether every entry of `gradient` is finite.
    public static bool Apply(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient, float momentum, float learningRate,
                             out bool gradientFinite)
    {
        int n = Check(theta, velocity, gradient);
        int i = 0;
        bool finite = true;
        gradientFinite = true;
        if (KernelIsa.UseVector256) i = Apply<Vector256<float>, Vec256>(theta, velocity, gradient, momentum, learningRate, out finite, out gradientFinite);
        else if (KernelIsa.UseVector128) i = Apply<Vector128<float>, Vec128>(theta, velocity, gradient, momentum, learningRate, out finite, out gradientFinite);
        else if (KernelIsa.UseVector512)
        {
            var mu = Vector512.Create(momentum);
            var lr = Vector512.Create(learningRate);
            var infinity = Vector512.Create(float.PositiveInfinity);
            var allFinite = Vector512<uint>.AllBitsSet;
            var allGradientFinite = Vector512<uint>.AllBitsSet;
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(in gradient[i]);
                var v = Vector512.FusedMultiplyAdd(g, lr, Vector512.LoadUnsafe(ref velocity[i]) * mu);
                var t = Vector512.LoadUnsafe(ref theta[i]) + v;
                v.StoreUnsafe(ref velocity[i]);
                t.StoreUnsafe(ref theta[i]);
                allFinite &= Vector512.LessThan(Vector512.Abs(t), infinity).AsUInt32(); // false for NaN too
                allGradientFinite &= Vector512.LessThan(Vector512.Abs(g), infinity).AsUInt32();
            }
            finite = allFinite == Vector512<uint>.AllBitsSet;
            gradientFinite = allGradientFinite == Vector512<uint>.AllBitsSet;
        }
        for (; i < n; i++)
        {
            gradientFinite &= float.IsFinite(gradient[i]);
            finite &= Step(theta, velocity, gradient, momentum, learningRate, i);
        }
        return finite;
    }

    /// The whole vectors; returns where the scalar tail starts.
    static int Apply<TV, Vec>(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient, float momentum, float learningRate,
                              out bool finite, out bool gradientFinite) where TV : struct where Vec : IVec<TV>
    {
        var mu = Vec.Create(momentum);
        var lr = Vec.Create(learningRate);
        var allBits = Vec.AllBitsSet;
        TV allFinite = allBits, allGradientFinite = allBits;
        int i = 0;
        for (; i + Vec.Count <= theta.Length; i += Vec.Count)
        {
            var g = Vec.Load(in gradient[i], 0);
            var v = Vec.Fma(g, lr, Vec.Multiply(Vec.Load(in velocity[i], 0), mu));
            var t = Vec.Add(Vec.Load(in theta[i], 0), v);
            Vec.Store(v, ref velocity[i], 0);
            Vec.Store(t, ref theta[i], 0);
            allFinite = Vec.And(allFinite, Vec.Finite(t));
            allGradientFinite = Vec.And(allGradientFinite, Vec.Finite(g));
        }
        finite = Vec.All(allFinite);
        gradientFinite = Vec.All(allGradientFinite);
        return i;
    }

    public static bool Reference(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient, float momentum, float learningRate,
                                 out bool gradientFinite)
    {
        int n = Check(theta, velocity, gradient);
        bool finite = true;
        gradientFinite = true;
        for (int i = 0; i < n; i++)
        {
            gradientFinite &= float.IsFinite(gradient[i]);
            finite &= Step(theta, velocity, gradient, momentum, learningRate, i);
        }
        return finite;
    }

    static bool Step(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient, float momentum, float learningRate, int i)
    {
        velocity[i] = MathF.FusedMultiplyAdd(gradient[i], learningRate, velocity[i] * momentum);
        theta[i] += velocity[i];
        return float.IsFinite(theta[i]);
    }

    static int Check(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient)
    {
        if (velocity.Length != theta.Length) SfnnThrow.ArgumentLength(nameof(velocity), velocity.Length, theta.Length);
        if (gradient.Length != theta.Length) SfnnThrow.ArgumentLength(nameof(gradient), gradient.Length, theta.Length);
        return theta.Length;
    }
}
