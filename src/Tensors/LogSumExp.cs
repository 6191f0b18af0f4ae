// LogSumExp: log sum_i exp(x_i), shifted by the maximum so that nothing overflows
// (hand-written: TensorPrimitives has no shifted sum of exponentials).
//   Compute     dispatch: Vector512, Vector256 or Vector128 (one generic loop; the runtime's exp at
//               each width) or scalar
//   Reference   scalar, in double
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class LogSumExp
{
    /// `log sum_i exp(x[i])`; -inf for an empty input or all -inf; +inf if any is +inf.
    public static float Compute(ReadOnlySpan<float> x)
    {
        if (x.Length == 0) return float.NegativeInfinity;
        float max = TensorPrimitives.Max(x);
        if (float.IsInfinity(max) || float.IsNaN(max)) return max;
        int i = 0;
        float sum = 0;
        if (KernelIsa.UseVector256) i = SumExp<Vector256<float>, Vec256>(x, max, out sum);
        else if (KernelIsa.UseVector128) i = SumExp<Vector128<float>, Vec128>(x, max, out sum);
        else if (KernelIsa.UseVector512 && x.Length >= 16)
        {
            var shift = Vector512.Create(max);
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= x.Length; i += 16) acc += Vector512.Exp(Vector512.LoadUnsafe(in x[i]) - shift);
            sum = Vector512.Sum(acc);
        }
        for (; i < x.Length; i++) sum += MathF.Exp(x[i] - max);
        return max + MathF.Log(sum);
    }

    /// `sum exp(x[i] - max)` over the whole vectors; returns where the scalar tail starts.
    static int SumExp<TV, Vec>(ReadOnlySpan<float> x, float max, out float sum) where TV : struct where Vec : IVec<TV>
    {
        var shift = Vec.Create(max);
        var acc = Vec.Create(0f);
        int i = 0;
        for (; i + Vec.Count <= x.Length; i += Vec.Count) acc = Vec.Add(acc, Vec.Exp(Vec.Subtract(Vec.Load(in x[i], 0), shift)));
        sum = Vec.Sum(acc);
        return i;
    }

    public static float Reference(ReadOnlySpan<float> x)
    {
        double max = double.NegativeInfinity;
        foreach (float v in x) max = Math.Max(max, v);
        if (double.IsInfinity(max)) return (float)max;
        double sum = 0;
        foreach (float v in x) sum += Math.Exp(v - max);
        return (float)(max + Math.Log(sum));
    }
}
