using System.Numerics.Tensors;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Training;

/// The update the GSN and gated steps share, on worker `slice`'s whole 16-float blocks of the
/// parameters: the shards' gradients summed in shard order and divided by the batch size into
/// `gradient`, then `MomentumUpdate`'s step `v = momentum v + rate g`, `theta += v` (an ascent
/// step; a descent passes a negative rate). Summing in shard order keeps the bits independent of
/// which worker finishes first.
internal static class ShardedMomentumStep
{
    /// Whether the slice's gradient and parameters are still finite.
    public static bool Apply(int slice, int slices, IReadOnlyList<float[]> shardGradients, float[] gradient, int batchCount,
                             float[] theta, float[] velocity, float momentum, float rate) =>
        Apply(slice, slices, shardGradients, gradient, batchCount, theta, velocity, momentum, rate, 0, gradient.Length);

    /// `Apply` to the parameters `[offset, offset + count)` only, cut into the workers' slices.
    public static bool Apply(int slice, int slices, IReadOnlyList<float[]> shardGradients, float[] gradient, int batchCount,
                             float[] theta, float[] velocity, float momentum, float rate, int offset, int count)
    {
        var (start, length) = WorkerPool.BlockShare(count, slice, slices);
        start += offset;
        if (length == 0) return true;
        var sum = gradient.AsSpan(start, length);
        shardGradients[0].AsSpan(start, length).CopyTo(sum);
        for (int s = 1; s < shardGradients.Count; s++) TensorPrimitives.Add(sum, shardGradients[s].AsSpan(start, length), sum);
        TensorPrimitives.Multiply(sum, 1f / batchCount, sum);
        bool parametersFinite = MomentumUpdate.Apply(theta.AsSpan(start, length), velocity.AsSpan(start, length), sum,
                                                     momentum, rate, out bool gradientFinite);
        return parametersFinite && gradientFinite;
    }
}
