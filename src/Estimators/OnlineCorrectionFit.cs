using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators;

/// The learned correction's coefficients after a short online fit on one example: training's
/// estimator (`LearnedCorrection`, fit after every step against G1 with the moving baseline of
/// eq. (7)) run through the engine's fast path for `steps` steps of `batch` independent draws of
/// the example, the parameters held. The lab reports them beside the exact least-squares fit.
internal static class OnlineCorrectionFit
{
    public static float[][] Run(NetworkShape shape, Parameters theta, ReadOnlySpan<float> x, int label, ReadOnlySpan<float> target,
                                int samples, int steps, int batch, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var widths = shape.Sizes[1..^1];
        var estimator = new LearnedCorrection(widths);
        var pass = new NetworkPass(shape, batch, samples);
        var gradient = new Parameters(shape);
        var statistics = widths.Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        var labels = Enumerable.Repeat(label, batch).ToArray();
        var targets = shape.Head == OutputHead.Bernoulli ? pass.TargetBuffer(batch) : [];
        for (int e = 0; e < batch && shape.Head == OutputHead.Bernoulli; e++) target.CopyTo(targets.Slice(e * shape.Outputs));
        for (int step = 0; step < steps; step++)
        {
            for (int e = 0; e < batch; e++)
            {
                x.CopyTo(pass.Input(e));
                pass.Stream(e) = RandomStream.Create(seed, StreamId.Lab((long)step * batch + e));
            }
            foreach (var s in statistics) Array.Clear(s);
            pass.Forward(theta, batch, samples, sample: true, labels, targets);
            pass.Backward(theta, estimator, gradient, labels, targets, statistics, overwrite: true);
            for (int l = 0; l < widths.Length; l++) estimator.EndStep(l, statistics[l]);
        }
        return widths.Select((_, l) => estimator.Coefficients(l).ToArray()).ToArray();
    }
}
