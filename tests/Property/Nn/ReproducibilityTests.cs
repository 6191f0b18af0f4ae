using SimdSfnn.Estimators;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// The same seed and thread count give the same bits; because every example draws from its
/// own stream, another thread count changes only the order of the final sums.
[Collection(nameof(KernelIsaCollection))] // kernels must not switch mid-run
public sealed class ReproducibilityTests
{
    static float[] Train(EstimatorKind kind, int threads, ulong seed)
    {
        var shape = new NetworkShape([30, 20, 16, 5], OutputHead.Softmax);
        var data = TinyData.Classification(200, 30, 5, seed: 11);
        var theta = TinyData.RandomParameters(shape, seed: 12, scale: 0.3);
        var optimizer = new MomentumSgd(theta);
        using var pool = new WorkerPool(threads);
        var minibatch = new TrainingStep(shape, EstimatorRegistry.Create(kind, shape.Sizes[1..^1]), pool, 20, 4, seed, 0.4f);
        var order = Enumerable.Range(0, data.Count).ToArray();
        for (int epoch = 0; epoch < 2; epoch++)
            for (int start = 0; start < data.Count; start += 20)
            {
                minibatch.Compute(theta, data, order, start, 20, epoch);
                optimizer.Step(minibatch.Gradient.Data, 0.05f);
            }
        return theta.Data;
    }

    [Theory]
    [InlineData(EstimatorKind.G1)]
    [InlineData(EstimatorKind.G3)]
    [InlineData(EstimatorKind.G5)]
    [InlineData(EstimatorKind.Learned)]
    public void Same_seed_and_threads_give_the_same_bits(EstimatorKind kind)
    {
        Assert.Equal(Train(kind, 2, 7), Train(kind, 2, 7));
        Assert.NotEqual(Train(kind, 2, 7), Train(kind, 2, 8));
    }

    [Fact]
    public void A_minibatch_smaller_than_the_thread_count_leaves_no_stale_shard()
    {
        var shape = new NetworkShape([30, 20, 16, 5], OutputHead.Softmax);
        var data = TinyData.Classification(200, 30, 5, seed: 11);
        var theta = TinyData.RandomParameters(shape, seed: 12, scale: 0.3);
        var order = Enumerable.Range(0, data.Count).ToArray();
        float[] Gradient(int threads)
        {
            using var pool = new WorkerPool(threads);
            var minibatch = new TrainingStep(shape, EstimatorRegistry.Create(EstimatorKind.G3, shape.Sizes[1..^1]), pool, 20, 4, 7, 0.4f);
            minibatch.Compute(theta, data, order, 0, 20, 0); // every shard's buffer now holds a gradient
            minibatch.Compute(theta, data, order, 20, 2, 0); // two examples: the third shard has none
            return minibatch.Gradient.Data.ToArray();
        }
        var one = Gradient(1);
        var three = Gradient(3);
        for (int i = 0; i < one.Length; i++) Assert.True(Math.Abs(one[i] - three[i]) < 1e-5f, $"parameter {i}: {one[i]} vs {three[i]}");
    }

    [Fact]
    public void Thread_count_changes_only_rounding()
    {
        var one = Train(EstimatorKind.G3, 1, 7);
        var three = Train(EstimatorKind.G3, 3, 7);
        for (int i = 0; i < one.Length; i++) Assert.True(Math.Abs(one[i] - three[i]) < 1e-3f, $"parameter {i}: {one[i]} vs {three[i]}");
    }
}
