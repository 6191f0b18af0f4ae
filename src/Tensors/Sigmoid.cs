// Sigmoid: s = 1 / (1 + exp(-a)).
//   Compute     TensorPrimitives.Sigmoid (it already has the op)
//   Reference   scalar
//   SigmoidOp   the element op, shared by the fused kernels (SigmoidBernoulli, BernoulliLogLikelihood)
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class Sigmoid
{
    /// `s[i] = 1 / (1 + exp(-a[i]))`; finite for every finite `a`.
    public static void Compute(ReadOnlySpan<float> a, Span<float> s)
    {
        if (a.IsEmpty) return; // TensorPrimitives refuses empty spans
        if (KernelIsa.Current != Isa.Scalar) TensorPrimitives.Sigmoid(a, s); // at its own width, the widest this CPU has
        else Reference(a, s);
    }

    public static void Reference(ReadOnlySpan<float> a, Span<float> s)
    {
        if (s.Length < a.Length) SfnnThrow.DestinationTooShort();
        for (int i = 0; i < a.Length; i++) s[i] = 1f / (1f + MathF.Exp(-a[i]));
    }
}

/// `1 / (1 + exp(-a))`, never NaN for a number: the scalar exp overflows to +inf below -88,
/// giving exactly 0; the vector one (`FastExp`, inlined) saturates there, giving about 6e-39.
internal readonly struct SigmoidOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float a) => 1f / (1f + MathF.Exp(-a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> a) => Vector512<float>.One / (Vector512<float>.One + FastExp.Invoke(-a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> a) => Vector256<float>.One / (Vector256<float>.One + FastExp.Invoke(-a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> a) => Vector128<float>.One / (Vector128<float>.One + FastExp.Invoke(-a));
}
