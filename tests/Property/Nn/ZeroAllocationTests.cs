using SimdSfnn.Estimators;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// The steady-state training step (minibatch gradient on two threads and the momentum update,
/// fused or one after the other)
/// allocates nothing, for every estimator and both output heads. Counts the bytes allocated by
/// the calling thread and by each of the pool's workers (the process-wide count would also see
/// the test runner's own threads).
[Collection(nameof(AllocationCollection))]
public sealed class ZeroAllocationTests
{
    public static TheoryData<EstimatorKind, OutputHead, bool> Cases()
    {
        var data = new TheoryData<EstimatorKind, OutputHead, bool>();
        foreach (var kind in Enum.GetValues<EstimatorKind>())
            foreach (var head in Enum.GetValues<OutputHead>())
                foreach (bool fused in new[] { true, false })
                    data.Add(kind, head, fused);
        return data;
    }

    /// `fused`: the trainer's `ComputeAndStep`, else `Compute` and then the optimiser's `Step`.
    [Theory, MemberData(nameof(Cases))]
    public void Training_step_allocates_nothing(EstimatorKind kind, OutputHead head, bool fused) =>
        AssertStepAllocatesNothing(new NetworkShape([40, 32, 24, head == OutputHead.Softmax ? 10 : 20], head), kind, fused);

    /// Units that back-propagate themselves draw their noise into the pass's own buffers.
    [Theory]
    [InlineData("noisy-relu", EstimatorKind.G3, OutputHead.Softmax)]
    [InlineData("sts,sigmoid", EstimatorKind.G1, OutputHead.Bernoulli)]
    [InlineData("bernoulli,noisy-relu", EstimatorKind.G2, OutputHead.Softmax)]
    [InlineData("tanh-noise,bernoulli", EstimatorKind.Learned, OutputHead.Bernoulli)]
    public void Training_step_with_other_units_allocates_nothing(string units, EstimatorKind kind, OutputHead head) =>
        AssertStepAllocatesNothing(new NetworkShape([40, 32, 24, head == OutputHead.Softmax ? 10 : 20], head,
                                                    SimdSfnn.Nn.Units.HiddenUnits.Parse(units, 2, out _)!), kind, fused: true);

    static void AssertStepAllocatesNothing(NetworkShape shape, EstimatorKind kind, bool fused)
    {
        var head = shape.Head;
        var data = head == OutputHead.Softmax
            ? TinyData.Classification(400, 40, 10, seed: 1)
            : TinyData.Structured(400, 40, 20, seed: 1);
        var theta = TinyData.RandomParameters(shape, seed: 2, scale: 0.3);
        var optimizer = new MomentumSgd(theta);
        using var pool = new WorkerPool(2);
        var estimator = EstimatorRegistry.Create(kind, shape.Sizes[1..^1]);
        // batch 30 over 400 examples: the last minibatch of each pass is short (10 examples)
        var minibatch = new TrainingStep(shape, estimator, pool, batchSize: 30, samples: 5, seed: 3, inputNoise: 0.4f);
        var order = Enumerable.Range(0, data.Count).ToArray();
        int cursor = 0;
        void Step()
        {
            int count = Math.Min(30, data.Count - cursor);
            if (fused) minibatch.ComputeAndStep(theta, data, order, cursor, count, epoch: 0, optimizer, 0.01f);
            else
            {
                minibatch.Compute(theta, data, order, cursor, count, epoch: 0);
                optimizer.Step(minibatch.Gradient.Data, 0.01f, pool);
            }
            cursor = (cursor + count) % data.Count;
        }

        var probe = new AllocationProbe(pool.ThreadCount);
        for (int i = 0; i < 100; i++) Step();
        long before = probe.Read(pool);
        for (int i = 0; i < 300; i++) Step();
        long allocated = probe.Read(pool) - before;

        Assert.Equal(0, allocated);
    }
}
