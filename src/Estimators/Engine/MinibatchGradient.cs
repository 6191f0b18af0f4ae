using System.Numerics.Tensors;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators.Engine;

/// The gradient of one minibatch: the mean over its examples of each example's estimate,
/// computed by `WorkerPool.ThreadCount` shards that each own a `NetworkPass`, then summed in
/// shard order so that a seed and a thread count always give the same bits (the sum is split
/// across the workers by parameter, so it runs in parallel too).
/// Every random number an example uses (its input noise and its hidden samples) comes from a
/// stream keyed by (seed, epoch, example index), so the draws do not depend on the sharding.
public sealed class MinibatchGradient : IShardedWork
{
    /// Rows (examples x samples) a pass holds at once; larger shards are processed in chunks.
    /// 8192 held 28 MB more (an M = 10 monitoring pass's lists) and put a 1-epoch run at 395 MiB
    /// peak; at 2048 it is 343 MiB and the M = 100 evaluation is no slower.
    public const int ChunkRows = 2048;

    readonly NetworkShape shape;
    readonly WorkerPool pool;
    readonly NetworkPass[] passes;
    readonly Parameters[] shardGradients;
    readonly float[][][] shardStatistics; // [shard][hidden layer][...]
    readonly float[][] statistics;        // [hidden layer][...], summed over shards
    readonly double[] shardCriterion;
    readonly bool[] sliceFinite;
    readonly ShardSum shardSum;
    readonly WeightLayouts layouts;

    Parameters theta = null!;
    ExampleSet data = null!;
    int[] order = [];
    int batchStart, batchCount, epoch;

    public MinibatchGradient(NetworkShape shape, IGradientEstimator estimator, WorkerPool pool,
                             int batchSize, int samples, ulong seed, float inputNoise)
    {
        this.shape = shape;
        this.pool = pool;
        Estimator = estimator;
        Samples = estimator.SamplesHidden ? samples : 1;
        Seed = seed;
        InputNoise = inputNoise;
        Gradient = new Parameters(shape);
        int perShard = (batchSize + pool.ThreadCount - 1) / pool.ThreadCount;
        int chunkExamples = Math.Clamp(ChunkRows / Samples, 1, perShard);
        passes = new NetworkPass[pool.ThreadCount];
        shardGradients = new Parameters[pool.ThreadCount];
        shardStatistics = new float[pool.ThreadCount][][];
        shardCriterion = new double[pool.ThreadCount];
        sliceFinite = new bool[pool.ThreadCount];
        shardSum = new ShardSum(this);
        layouts = new WeightLayouts(shape, secondTransposed: Samples > 1);
        var hiddenWidths = shape.Sizes[1..^1];
        statistics = hiddenWidths.Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        for (int t = 0; t < pool.ThreadCount; t++)
        {
            passes[t] = new NetworkPass(shape, chunkExamples, Samples);
            shardGradients[t] = new Parameters(shape);
            shardStatistics[t] = hiddenWidths.Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        }
    }

    public IGradientEstimator Estimator { get; }
    public int Samples { get; }
    public ulong Seed { get; }
    public float InputNoise { get; }
    /// The last minibatch's mean gradient (an ascent direction).
    public Parameters Gradient { get; }
    /// Whether every entry of `Gradient` is finite.
    public bool GradientIsFinite { get; private set; }

    /// Computes the mean gradient of examples `order[start .. start + count)` into `Gradient`,
    /// updates the estimator's running statistics, and returns the sum of their `C_M`.
    public double Compute(Parameters theta, ExampleSet data, int[] order, int start, int count, int epoch)
    {
        this.theta = theta;
        this.data = data;
        this.order = order;
        batchStart = start;
        batchCount = count;
        this.epoch = epoch;
        layouts.Prepare(theta, pool);
        pool.Run(this);
        pool.Run(shardSum);
        GradientIsFinite = Array.IndexOf(sliceFinite, false) < 0;

        double criterion = 0;
        for (int t = 0; t < passes.Length; t++) criterion += shardCriterion[t];
        for (int k = 0; k < statistics.Length; k++)
        {
            var sum = statistics[k].AsSpan();
            sum.Clear();
            for (int t = 0; t < passes.Length; t++) TensorPrimitives.Add(sum, shardStatistics[t][k], sum);
            Estimator.EndStep(k, sum);
        }
        return criterion;
    }

    void IShardedWork.Run(int shard)
    {
        var pass = passes[shard];
        var gradient = shardGradients[shard];
        foreach (var s in shardStatistics[shard]) Array.Clear(s);
        double criterion = 0;

        int threads = passes.Length;
        int lo = batchStart + (int)((long)batchCount * shard / threads);
        int hi = batchStart + (int)((long)batchCount * (shard + 1) / threads);
        Span<int> labels = stackalloc int[pass.MaxExamples];
        for (int start = lo; start < hi; start += pass.MaxExamples)
        {
            int E = Math.Min(pass.MaxExamples, hi - start);
            for (int e = 0; e < E; e++)
            {
                // a shuffled example's input comes from main memory (MNIST is 188 MB of floats):
                // the next one is fetched while this one gets its noise
                if (e + 1 < E) Prefetch.Lines(data.Input(order[start + e + 1]));
                int index = order[start + e];
                ref var stream = ref pass.Stream(e);
                stream = RandomStream.Create(Seed, StreamId.Training(epoch, index));
                if (InputNoise > 0) Gaussian.AddNoise(data.Input(index), InputNoise, ref stream, pass.Input(e));
                else data.Input(index).CopyTo(pass.Input(e));
                if (data.Labels is not null) labels[e] = data.Labels[index];
            }
            ReadOnlySpan<float> targets = data.Targets is null ? default : GatherTargets(pass, start, E);
            pass.Forward(theta, E, Samples, Estimator.SamplesHidden, labels[..E], targets, layouts);
            // the first chunk writes the shard's gradient, so it needs no clearing beforehand
            pass.Backward(theta, Estimator, gradient, labels[..E], targets, shardStatistics[shard], overwrite: start == lo);
            for (int e = 0; e < E; e++) criterion += pass.Criterion(e);
        }
        if (lo == hi) Array.Clear(gradient.Data); // a shard without examples adds zero
        shardCriterion[shard] = criterion;
    }

    /// `Gradient = (sum over shards, in shard order) / count` on worker `slice`'s share of the
    /// parameters (whole 16-float blocks), and whether that share is finite.
    void SumShards(int slice)
    {
        var (lo, length) = WorkerPool.BlockShare(Gradient.Data.Length, slice, passes.Length);
        var total = Gradient.Data.AsSpan(lo, length);
        if (total.IsEmpty)
        {
            sliceFinite[slice] = true;
            return;
        }
        // one pass over the share for two shards (the usual case), in shard order for more
        float scale = 1f / batchCount;
        var first = shardGradients[0].Data.AsSpan(lo, length);
        if (shardGradients.Length == 2)
        {
            sliceFinite[slice] = ScaledSum.Apply(first, shardGradients[1].Data.AsSpan(lo, length), scale, total);
            return;
        }
        if (shardGradients.Length == 1) TensorPrimitives.Multiply(first, scale, total);
        else
        {
            first.CopyTo(total);
            for (int t = 1; t < shardGradients.Length; t++)
                TensorPrimitives.Add(total, shardGradients[t].Data.AsSpan(lo, length), total);
            TensorPrimitives.Multiply(total, scale, total);
        }
        // the largest magnitude is NaN or infinite if any entry is: one vectorized pass
        sliceFinite[slice] = float.IsFinite(TensorPrimitives.MaxMagnitude(total));
    }

    sealed class ShardSum(MinibatchGradient owner) : IShardedWork
    {
        public void Run(int shard) => owner.SumShards(shard);
    }

    ReadOnlySpan<float> GatherTargets(NetworkPass pass, int start, int E)
    {
        // Targets are looked up through the shuffled order, so they are gathered per chunk.
        var buffer = pass.TargetBuffer(E);
        for (int e = 0; e < E; e++)
            data.Target(order[start + e]).CopyTo(buffer.Slice(e * data.Outputs, data.Outputs));
        return buffer;
    }
}
