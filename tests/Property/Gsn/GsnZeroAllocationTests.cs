using SimdSfnn.Nn.Gsn;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Property.Nn;

namespace SimdSfnn.Property.Gsn;

/// The steady-state walkback step on two threads allocates nothing (see `ZeroAllocationTests`).
[Collection(nameof(AllocationCollection))]
public sealed class GsnZeroAllocationTests
{
    [Fact]
    public void Walkback_step_allocates_nothing()
    {
        var shape = new GsnShape([40, 32, 24]);
        var data = GsnTrainingTests.Images(400, 40, seed: 1);
        var theta = new GsnParameters(shape);
        theta.Initialize(2);
        using var pool = new WorkerPool(2);
        // batch 30 over 400 examples: the last minibatch of each pass is short (10 examples)
        var step = new GsnStep(shape, new GsnChainSettings(), pool, batchSize: 30, seed: 3);
        var order = Enumerable.Range(0, data.Count).ToArray();
        int cursor = 0;
        void Step()
        {
            int count = Math.Min(30, data.Count - cursor);
            step.ComputeAndStep(theta, data, order, cursor, count, epoch: 0, 0.01f);
            cursor = (cursor + count) % data.Count;
        }
        var probe = new AllocationProbe(pool.ThreadCount);
        for (int i = 0; i < 100; i++) Step();
        long before = probe.Read(pool);
        for (int i = 0; i < 300; i++) Step();
        Assert.Equal(0, probe.Read(pool) - before);
    }
}
