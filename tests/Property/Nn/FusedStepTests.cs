using SimdSfnn.Estimators;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// `ComputeAndStep` sums, steps and lays the weights out again in one pass per worker, and the
/// next step reuses those layouts: it must leave the same bits as `Compute` and then `Step`.
[Collection(nameof(KernelIsaCollection))] // kernels must not switch mid-run
public sealed class FusedStepTests
{
    static (float[] Theta, float[] Velocity, double Criterion) Train(int[] sizes, EstimatorKind kind, int threads, bool fused)
    {
        var shape = new NetworkShape(sizes, OutputHead.Softmax);
        var data = TinyData.Classification(120, sizes[0], sizes[^1], seed: 21);
        var theta = TinyData.RandomParameters(shape, seed: 22, scale: 0.3);
        var optimizer = new MomentumSgd(theta);
        using var pool = new WorkerPool(threads);
        var minibatch = new TrainingStep(shape, EstimatorRegistry.Create(kind, shape.Sizes[1..^1]), pool, 20, 4, 5, 0.4f);
        var order = Enumerable.Range(0, data.Count).ToArray();
        double criterion = 0;
        for (int epoch = 0; epoch < 2; epoch++)
            for (int start = 0; start < data.Count; start += 20)
            {
                if (fused)
                {
                    criterion += minibatch.ComputeAndStep(theta, data, order, start, 20, epoch, optimizer, 0.5f);
                    Assert.True(minibatch.GradientIsFinite && minibatch.ParametersAreFinite);
                }
                else
                {
                    criterion += minibatch.Compute(theta, data, order, start, 20, epoch);
                    Assert.True(minibatch.GradientIsFinite && optimizer.Step(minibatch.Gradient.Data, 0.5f, pool));
                }
            }
        return (theta.Data, optimizer.Velocity, criterion);
    }

    [Theory]
    // W_1 of three panels (the last ragged), W_2 of two with W_2^T; a W_2 of 12 rows that only W_2^T holds
    [InlineData(new[] { 30, 70, 40, 5 }, EstimatorKind.G3, 1)]
    [InlineData(new[] { 30, 70, 40, 5 }, EstimatorKind.G3, 2)]
    [InlineData(new[] { 30, 70, 40, 5 }, EstimatorKind.G3, 3)]
    [InlineData(new[] { 30, 70, 40, 5 }, EstimatorKind.Deterministic, 2)]
    [InlineData(new[] { 30, 20, 12, 5 }, EstimatorKind.G5, 2)]
    [InlineData(new[] { 30, 40, 40, 40, 5 }, EstimatorKind.G1, 3)]
    public void The_fused_step_gives_the_bits_of_compute_then_step(int[] sizes, EstimatorKind kind, int threads)
    {
        var fused = Train(sizes, kind, threads, fused: true);
        var separate = Train(sizes, kind, threads, fused: false);
        Assert.Equal(separate.Criterion, fused.Criterion);
        Assert.Equal(separate.Theta, fused.Theta);
        Assert.Equal(separate.Velocity, fused.Velocity);
    }

    // one shard, two summed, and the deterministic net split by units: each finds a gradient
    // that is not finite in the pass that steps it
    [Theory]
    [InlineData(EstimatorKind.G3, 1)]
    [InlineData(EstimatorKind.G3, 2)]
    [InlineData(EstimatorKind.Deterministic, 1)]
    [InlineData(EstimatorKind.Deterministic, 2)]
    public void A_step_that_goes_wrong_is_reported(EstimatorKind kind, int threads)
    {
        var shape = new NetworkShape([30, 40, 40, 5], OutputHead.Softmax);
        var data = TinyData.Classification(40, 30, 5, seed: 21);
        var theta = TinyData.RandomParameters(shape, seed: 22, scale: 0.3);
        var optimizer = new MomentumSgd(theta);
        using var pool = new WorkerPool(threads);
        var minibatch = new TrainingStep(shape, EstimatorRegistry.Create(kind, [40, 40]), pool, 20, kind == EstimatorKind.G3 ? 4 : 1, 5, 0f);
        var order = Enumerable.Range(0, data.Count).ToArray();
        theta.W(0)[0] = float.NaN; // every pre-activation of the first unit, and so the gradient, is NaN
        minibatch.ComputeAndStep(theta, data, order, 0, 20, 0, optimizer, 0.1f);
        Assert.False(minibatch.GradientIsFinite);
        Assert.False(minibatch.ParametersAreFinite);
    }

    [Fact]
    public void An_optimizer_of_other_parameters_is_refused()
    {
        var shape = new NetworkShape([30, 40, 40, 5], OutputHead.Softmax);
        var data = TinyData.Classification(40, 30, 5, seed: 21);
        using var pool = new WorkerPool(2);
        var minibatch = new TrainingStep(shape, EstimatorRegistry.Create(EstimatorKind.G3, [40, 40]), pool, 20, 4, 5, 0f);
        Assert.Throws<ArgumentException>(() => minibatch.ComputeAndStep(new Parameters(shape), data, Enumerable.Range(0, 40).ToArray(),
                                                                        0, 20, 0, new MomentumSgd(new Parameters(shape)), 0.1f));
    }
}
