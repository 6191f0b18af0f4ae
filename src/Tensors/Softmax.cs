// Softmax and LogSoftmax of one row, through LogSumExp so that large logits never overflow
// (TensorPrimitives.SoftMax does not shift by the maximum).
//   Softmax.Compute / LogSoftmax.Compute   LogSumExp, then TensorPrimitives Subtract (and Exp)
//   ...Reference                           scalar, in double
using System.Numerics.Tensors;

namespace SimdSfnn.Tensors;

internal static class Softmax
{
    /// `destination[i] = exp(logits[i] - log sum_j exp(logits[j]))`.
    public static void Compute(ReadOnlySpan<float> logits, Span<float> destination)
    {
        LogSoftmax.Compute(logits, destination);
        TensorPrimitives.Exp(destination[..logits.Length], destination);
    }

    public static void Reference(ReadOnlySpan<float> logits, Span<float> destination)
    {
        float lse = LogSumExp.Reference(logits);
        for (int i = 0; i < logits.Length; i++) destination[i] = (float)Math.Exp(logits[i] - (double)lse);
    }
}

internal static class LogSoftmax
{
    /// `destination[i] = o[i] - log sum_j exp(o[j])`.
    public static void Compute(ReadOnlySpan<float> o, Span<float> destination)
    {
        if (destination.Length < o.Length) SfnnThrow.DestinationTooShort();
        TensorPrimitives.Subtract(o, LogSumExp.Compute(o), destination[..o.Length]);
    }

    public static void Reference(ReadOnlySpan<float> o, Span<float> destination)
    {
        float lse = LogSumExp.Reference(o);
        for (int i = 0; i < o.Length; i++) destination[i] = o[i] - lse;
    }
}
