// ScaledLogMeanExp: log (1/N) sum_i exp(-scale * d_i) over float d_i, summed in double, shifted by
// the smallest d so that the largest term is exp(0) = 1 and nothing underflows to log 0 (the
// Parzen estimator's log-mean-exp over squared distances, where -d/(2 sigma^2) is in the
// thousands). Hand-written: TensorPrimitives has no fused widen-scale-exp-sum, and its separate
// passes would each sweep a row of distances once per sigma.
//   Compute     dispatch: Vector512, Vector256 or Vector128 (floats widened to doubles, the
//               runtime's double exp at that width) or scalar
//   Reference   scalar, in double
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class ScaledLogMeanExp
{
    /// The vector paths raise exponents below this to it, and skip a load whose lanes are all
    /// below it. The runtime's vector exp leaves its fast path for lanes whose result is subnormal
    /// or 0 (below about -708): with sigma = 0.1 most of a row's terms are, and a row took ten
    /// times as long. exp(-700) is 1e-304, so a raised or skipped term moves a sum that is at
    /// least 1 (its largest term is exp(0)) by at most 1e-304: nothing a double holds.
    const double Floor = -700;

    /// `log((1/N) sum_i exp(-scale * d[i]))` in double, with `smallest = min_i d[i]` (the caller
    /// computes it once for a row it scores at several scales); -inf for an empty input.
    public static double Compute(ReadOnlySpan<float> d, float smallest, double scale)
    {
        if (d.Length == 0) return double.NegativeInfinity;
        int i = 0;
        double sum = 0;
        if (KernelIsa.UseVector512) i = SumExp512(d, smallest, scale, ref sum);
        else if (KernelIsa.UseVector256) i = SumExp256(d, smallest, scale, ref sum);
        else if (KernelIsa.UseVector128) i = SumExp128(d, smallest, scale, ref sum);
        for (; i < d.Length; i++) sum += Math.Exp(Math.Max(-scale * ((double)d[i] - smallest), Floor));
        return -scale * smallest + Math.Log(sum / d.Length);
    }

    /// `Compute` with the smallest entry found here.
    public static double Compute(ReadOnlySpan<float> d, double scale) =>
        d.Length == 0 ? double.NegativeInfinity : Compute(d, TensorPrimitives.Min(d), scale);

    public static double Reference(ReadOnlySpan<float> d, double scale)
    {
        if (d.Length == 0) return double.NegativeInfinity;
        double max = double.NegativeInfinity;
        foreach (float v in d) max = Math.Max(max, -scale * v);
        double sum = 0;
        foreach (float v in d) sum += Math.Exp(-scale * v - max);
        return max + Math.Log(sum / d.Length);
    }

    // The three widths: 2 x 8, 2 x 4 and 2 x 2 doubles per step from one load of floats; two
    // accumulators, as each load widens into a low and a high half.
    static int SumExp512(ReadOnlySpan<float> d, float smallest, double scale, ref double sum)
    {
        var shift = Vector512.Create((double)smallest);
        var factor = Vector512.Create(-scale);
        var floor = Vector512.Create(Floor);
        Vector512<double> low = default, high = default;
        int i = 0;
        for (; i + 16 <= d.Length; i += 16)
        {
            var v = Vector512.LoadUnsafe(in d[i]);
            var t0 = (Vector512.WidenLower(v) - shift) * factor;
            var t1 = (Vector512.WidenUpper(v) - shift) * factor;
            if (!Vector512.GreaterThanAny(Vector512.Max(t0, t1), floor)) continue;
            low += Vector512.Exp(Vector512.Max(t0, floor));
            high += Vector512.Exp(Vector512.Max(t1, floor));
        }
        sum = Vector512.Sum(low + high);
        return i;
    }

    static int SumExp256(ReadOnlySpan<float> d, float smallest, double scale, ref double sum)
    {
        var shift = Vector256.Create((double)smallest);
        var factor = Vector256.Create(-scale);
        var floor = Vector256.Create(Floor);
        Vector256<double> low = default, high = default;
        int i = 0;
        for (; i + 8 <= d.Length; i += 8)
        {
            var v = Vector256.LoadUnsafe(in d[i]);
            var t0 = (Vector256.WidenLower(v) - shift) * factor;
            var t1 = (Vector256.WidenUpper(v) - shift) * factor;
            if (!Vector256.GreaterThanAny(Vector256.Max(t0, t1), floor)) continue;
            low += Vector256.Exp(Vector256.Max(t0, floor));
            high += Vector256.Exp(Vector256.Max(t1, floor));
        }
        sum = Vector256.Sum(low + high);
        return i;
    }

    static int SumExp128(ReadOnlySpan<float> d, float smallest, double scale, ref double sum)
    {
        var shift = Vector128.Create((double)smallest);
        var factor = Vector128.Create(-scale);
        var floor = Vector128.Create(Floor);
        Vector128<double> low = default, high = default;
        int i = 0;
        for (; i + 4 <= d.Length; i += 4)
        {
            var v = Vector128.LoadUnsafe(in d[i]);
            var t0 = (Vector128.WidenLower(v) - shift) * factor;
            var t1 = (Vector128.WidenUpper(v) - shift) * factor;
            if (!Vector128.GreaterThanAny(Vector128.Max(t0, t1), floor)) continue;
            low += Vector128.Exp(Vector128.Max(t0, floor));
            high += Vector128.Exp(Vector128.Max(t1, floor));
        }
        sum = Vector128.Sum(low + high);
        return i;
    }
}
