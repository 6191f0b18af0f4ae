// MomentumUpdate: classical momentum in one pass over the parameters, v = mu v + lr g and
// theta = theta + v, that also says whether every updated theta is finite (the divergence check
// would otherwise be a fourth pass; TensorPrimitives took three for the update) and, if asked,
// whether every gradient entry is: a separate pass over a worker's 326 KB of G(W_1) for that
// was 5% of a two-thread deterministic step.
//   Apply       dispatch: Vector512 or scalar, the same fused multiply-adds either way
//   Reference   scalar
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

public static class MomentumUpdate
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
        if (KernelIsa.UseVector512)
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
