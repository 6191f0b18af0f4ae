// Whether the machine's cores slow each other down: the first layer's forward (100 examples by
// 100 units, W packed as in training) on one worker, and the same product on each of two
// workers at once, each with its own data, for inputs of width 256 (about 250 KB per worker)
// and 784 (about 670 KB, MNIST). Two workers take as long as one when nothing is shared but the
// memory hierarchy; any excess is what the hardware (or the machine's other tenants) costs.
using BenchmarkDotNet.Attributes;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Benches;

public class ProductScaling : IShardedWork
{
    const int B = 100, H = 100;
    WorkerPool pool = null!;
    float[][] x = [], c = [];
    PackedWeights[] w = [];

    [Params(1, 2)]
    public int Threads;

    [Params(256, 784)]
    public int D;

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var random = new Random(5);
        float[] Values(int n) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)(random.NextDouble() * 2 - 1); return v; }
        pool = new WorkerPool(Threads);
        x = new float[Threads][];
        c = new float[Threads][];
        w = new PackedWeights[Threads];
        for (int t = 0; t < Threads; t++)
        {
            x[t] = Values(B * D);
            c[t] = new float[B * H];
            w[t] = new PackedWeights(D, H);
            MatMul.PackForward(Values(H * D), w[t]);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => pool.Dispose();

    /// One product per worker, all at once; the time is the slowest worker's plus a fork-join.
    [Benchmark]
    public void Forward_B100_to_100_on_each_worker() => pool.Run(this);

    public void Run(int shard) => MatMul.Forward(x[shard], w[shard], c[shard], B);
}
