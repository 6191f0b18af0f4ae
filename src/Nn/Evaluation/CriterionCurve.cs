using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Evaluation;

/// The test criterion as a function of M (Raiko et al. 2014, Figure 2): for every example draw
/// `maxSamples` hidden samples once, and take `C_M` over the first M of them for M = 1..maxSamples.
/// Each point is then an unbiased estimate of `E[C_M]`, and the points share their draws, so
/// the curve is smooth and rises with M as `E[C_M]` does (estimators.md, fact 5).
internal sealed class CriterionCurve : IShardedWork
{
    readonly WorkerPool pool;
    readonly NetworkShape shape;
    readonly NetworkPass[] passes; // rented for the length of a Run
    readonly int chunkExamples;
    readonly double[][] shardSums; // per shard: sum over examples of C_M, index M - 1
    Parameters theta = null!;
    ExampleSet data = null!;
    ulong seed;

    public CriterionCurve(NetworkShape shape, WorkerPool pool, int maxSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 1);
        this.pool = pool;
        MaxSamples = maxSamples;
        this.shape = shape;
        chunkExamples = Math.Max(1, TrainingStep.ChunkRows / maxSamples);
        passes = new NetworkPass[pool.ThreadCount];
        shardSums = new double[pool.ThreadCount][];
        for (int t = 0; t < passes.Length; t++)
        {
            shardSums[t] = new double[maxSamples];
        }
    }

    public int MaxSamples { get; }

    /// Mean `C_M` in nats per example, for M = 1..MaxSamples (element M - 1). Uses the same
    /// streams as `Evaluation`, so the last point equals its `C_MaxSamples`.
    public double[] Run(Parameters theta, ExampleSet data, ulong seed)
    {
        this.theta = theta;
        this.data = data;
        this.seed = seed;
        PassPool.Rent(passes, shape, chunkExamples, MaxSamples);
        try { pool.Run(this); }
        finally { PassPool.Return(passes); }
        var mean = new double[MaxSamples];
        foreach (var sums in shardSums)
            for (int m = 0; m < MaxSamples; m++) mean[m] += sums[m];
        for (int m = 0; m < MaxSamples; m++) mean[m] /= data.Count;
        return mean;
    }

    void IShardedWork.Run(int shard)
    {
        var pass = passes[shard];
        var sums = shardSums[shard];
        Array.Clear(sums);
        int threads = passes.Length;
        int lo = (int)((long)data.Count * shard / threads), hi = (int)((long)data.Count * (shard + 1) / threads);
        Span<int> labels = stackalloc int[pass.MaxExamples];
        for (int start = lo; start < hi; start += pass.MaxExamples)
        {
            int E = Math.Min(pass.MaxExamples, hi - start);
            var targets = TestChunk.Load(pass, data, start, E, seed, labels);
            pass.Forward(theta, E, MaxSamples, sample: true, labels[..E], targets);
            for (int e = 0; e < E; e++) AddPrefixCriteria(pass.LogWeights(e), sums);
        }
    }

    /// sums[M - 1] += C_M = log (1/M) sum_{m <= M} w^(m), with a running log-sum-exp
    /// (Raiko et al. 2014, eq. 9).
    internal static void AddPrefixCriteria(ReadOnlySpan<float> logW, double[] sums)
    {
        double max = logW[0], scaled = 0; // scaled = sum_m exp(logW_m - max)
        for (int m = 0; m < logW.Length; m++)
        {
            double value = logW[m];
            if (value > max)
            {
                scaled = scaled * Math.Exp(max - value) + 1;
                max = value;
            }
            else scaled += Math.Exp(value - max);
            sums[m] += max + Math.Log(scaled) - Math.Log(m + 1);
        }
    }
}
