// BernoulliLogLikelihood: the product-of-sigmoids output head (hand-written for fusion).
//   Compute    sum_j y_j o_j - softplus(o_j), softplus(o) = max(o, 0) + log(1 + exp(-|o|))
//   Gradient   scale * (y - sigmoid(o))
//   dispatch: Vector512, Vector256 or Vector128 (one generic loop each) or scalar
//   ...Reference   scalar, in double
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class BernoulliLogLikelihood
{
    /// `sum_j y[j] log sigmoid(o[j]) + (1 - y[j]) log sigmoid(-o[j])`, stable for any finite `o`.
    public static float Compute(ReadOnlySpan<float> o, ReadOnlySpan<float> y)
    {
        if (y.Length != o.Length) SfnnThrow.ArgumentLength(nameof(y), y.Length, o.Length);
        int i = 0;
        float sum = 0;
        if (KernelIsa.UseVector256) i = Compute<Vector256<float>, Vec256>(o, y, out sum);
        else if (KernelIsa.UseVector128) i = Compute<Vector128<float>, Vec128>(o, y, out sum);
        else if (KernelIsa.UseVector512 && o.Length >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= o.Length; i += 16)
            {
                var ov = Vector512.LoadUnsafe(in o[i]);
                var softplus = Vector512.Max(ov, Vector512<float>.Zero) + Vector512.Log(Vector512<float>.One + Vector512.Exp(-Vector512.Abs(ov)));
                acc += Vector512.LoadUnsafe(in y[i]) * ov - softplus;
            }
            sum = Vector512.Sum(acc);
        }
        for (; i < o.Length; i++) sum += y[i] * o[i] - Softplus(o[i]);
        return sum;
    }

    /// `destination[j] = scale * (y[j] - sigmoid(o[j]))`.
    public static void Gradient(ReadOnlySpan<float> o, ReadOnlySpan<float> y, float scale, Span<float> destination)
    {
        if (y.Length != o.Length) SfnnThrow.ArgumentLength(nameof(y), y.Length, o.Length);
        if (destination.Length < o.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector256) i = Gradient<Vector256<float>, Vec256>(o, y, scale, destination);
        else if (KernelIsa.UseVector128) i = Gradient<Vector128<float>, Vec128>(o, y, scale, destination);
        else if (KernelIsa.UseVector512)
        {
            var s = Vector512.Create(scale);
            for (; i + 16 <= o.Length; i += 16)
                (s * (Vector512.LoadUnsafe(in y[i]) - SigmoidOp.Invoke(Vector512.LoadUnsafe(in o[i])))).StoreUnsafe(ref destination[i]);
        }
        for (; i < o.Length; i++) destination[i] = scale * (y[i] - SigmoidOp.Invoke(o[i]));
    }

    /// The whole vectors' sum; returns where the scalar tail starts.
    static int Compute<TV, Vec>(ReadOnlySpan<float> o, ReadOnlySpan<float> y, out float sum) where TV : struct where Vec : IVec<TV>
    {
        var one = Vec.Create(1f);
        var acc = Vec.Create(0f);
        int i = 0;
        for (; i + Vec.Count <= o.Length; i += Vec.Count)
        {
            var ov = Vec.Load(in o[i], 0);
            var softplus = Vec.Add(Vec.Max(ov, Vec.Create(0f)), Vec.Log(Vec.Add(one, Vec.Exp(Vec.Subtract(Vec.Create(0f), Vec.Abs(ov))))));
            acc = Vec.Add(acc, Vec.Subtract(Vec.Multiply(Vec.Load(in y[i], 0), ov), softplus));
        }
        sum = Vec.Sum(acc);
        return i;
    }

    static int Gradient<TV, Vec>(ReadOnlySpan<float> o, ReadOnlySpan<float> y, float scale, Span<float> destination) where TV : struct where Vec : IVec<TV>
    {
        var s = Vec.Create(scale);
        int i = 0;
        for (; i + Vec.Count <= o.Length; i += Vec.Count)
            Vec.Store(Vec.Multiply(s, Vec.Subtract(Vec.Load(in y[i], 0), Vec.Sigmoid(Vec.Load(in o[i], 0)))), ref destination[i], 0);
        return i;
    }

    static float Softplus(float o) => MathF.Max(o, 0) + MathF.Log(1 + MathF.Exp(-MathF.Abs(o)));

    public static float ComputeReference(ReadOnlySpan<float> o, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int i = 0; i < o.Length; i++) sum += y[i] * (double)o[i] - (Math.Max(o[i], 0) + Math.Log(1 + Math.Exp(-Math.Abs((double)o[i]))));
        return (float)sum;
    }

    public static void GradientReference(ReadOnlySpan<float> o, ReadOnlySpan<float> y, float scale, Span<float> destination)
    {
        for (int i = 0; i < o.Length; i++) destination[i] = (float)(scale * (y[i] - 1 / (1 + Math.Exp(-(double)o[i]))));
    }
}
