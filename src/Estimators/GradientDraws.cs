using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators;

/// Repeated independent draws of one example's gradient estimate through the engine's own
/// fast path (`NetworkPass`), with their per-parameter mean and variance (divisor N - 1).
/// The estimator lab holds these Monte-Carlo moments against exact enumeration (fact 7).
internal sealed class GradientDraws(NetworkShape shape, IGradientEstimator estimator, int samples)
{
    readonly NetworkPass pass = new(shape, 1, estimator.SamplesHidden ? samples : 1);
    readonly Parameters draw = new(shape);
    readonly float[][] statistics = shape.Sizes[1..^1].Select(w => new float[estimator.StatisticsLength(w)]).ToArray();

    /// `label` is used by the softmax head, `target` (length nOut) by the Bernoulli head.
    public MonteCarloMoments Run(Parameters theta, ReadOnlySpan<float> x, int label, ReadOnlySpan<float> target, long draws, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        int P = draw.Data.Length;
        var mean = new double[P];
        var m2 = new double[P];
        Span<int> labels = [label];
        // the softmax head has no target rows (its buffer is empty)
        var targets = shape.Head == OutputHead.Bernoulli ? pass.TargetBuffer(1) : [];
        if (shape.Head == OutputHead.Bernoulli) target.CopyTo(targets);
        for (long n = 0; n < draws; n++)
        {
            x.CopyTo(pass.Input(0));
            pass.Stream(0) = RandomStream.Create(seed, StreamId.Lab(n));
            Array.Clear(draw.Data);
            pass.Forward(theta, 1, pass.MaxSamples, estimator.SamplesHidden, labels, targets);
            pass.Backward(theta, estimator, draw, labels, targets, statistics);
            // Welford's running mean and sum of squared deviations
            for (int i = 0; i < P; i++)
            {
                double value = draw.Data[i], delta = value - mean[i];
                mean[i] += delta / (n + 1);
                m2[i] += delta * (value - mean[i]);
            }
        }
        var variance = new double[P];
        if (draws > 1)
            for (int i = 0; i < P; i++) variance[i] = m2[i] / (draws - 1);
        return new MonteCarloMoments(draws, mean, variance);
    }
}

/// Per-parameter moments in the layout of `Parameters` (W_0, b_0, W_1, b_1, ...).
internal sealed record MonteCarloMoments(long Draws, double[] Mean, double[] Variance);
