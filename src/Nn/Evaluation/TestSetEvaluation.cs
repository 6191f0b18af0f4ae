using System.Numerics.Tensors;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Evaluation;

/// Test-set evaluation: `C_M` per example (the test log-likelihood, in nats) and, for the
/// softmax head, the error of predicting `argmax_y (1/M) sum_m P(y | h^(m))`.
/// With `sampled` false the hidden units are `h = s` and `M` is 1 (the deterministic net).
public sealed class TestSetEvaluation : IShardedWork
{
    readonly NetworkShape shape;
    readonly WorkerPool pool;
    readonly NetworkPass[] passes; // rented for the length of a Run
    readonly int chunkExamples, maxSamples;
    readonly double[] shardCriterion;
    readonly int[] shardErrors;
    readonly float[][] classMeans;
    readonly WeightLayouts layouts; // prepared once per Run, shared by every chunk's pass
    Parameters theta = null!;
    ExampleSet data = null!;
    int samples;
    bool sampled;
    ulong seed;

    public TestSetEvaluation(NetworkShape shape, WorkerPool pool, int maxSamples)
    {
        this.shape = shape;
        this.pool = pool;
        chunkExamples = Math.Max(1, TrainingStep.ChunkRows / maxSamples);
        this.maxSamples = maxSamples;
        passes = new NetworkPass[pool.ThreadCount];
        classMeans = new float[pool.ThreadCount][];
        for (int t = 0; t < passes.Length; t++)
        {
            classMeans[t] = new float[shape.Outputs];
        }
        shardCriterion = new double[pool.ThreadCount];
        shardErrors = new int[pool.ThreadCount];
        layouts = new WeightLayouts(shape, secondTransposed: maxSamples > 1);
    }

    /// Per-example `C_M` of the last `Run`, when a caller asked for it.
    public float[]? PerExample { get; set; }

    public EvaluationResult Run(Parameters theta, ExampleSet data, int samples, bool sampled, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samples, maxSamples);
        this.theta = theta;
        this.data = data;
        this.samples = sampled ? samples : 1;
        this.sampled = sampled;
        this.seed = seed;
        layouts.Prepare(theta, pool);
        PassPool.Rent(passes, shape, chunkExamples, maxSamples);
        try { pool.Run(this); }
        finally { PassPool.Return(passes); }
        double criterion = 0;
        int errors = 0;
        for (int t = 0; t < passes.Length; t++)
        {
            criterion += shardCriterion[t];
            errors += shardErrors[t];
        }
        return new EvaluationResult(criterion / data.Count, data.Labels is null ? double.NaN : (double)errors / data.Count, this.samples);
    }

    void IShardedWork.Run(int shard)
    {
        var pass = passes[shard];
        int threads = passes.Length;
        int lo = (int)((long)data.Count * shard / threads), hi = (int)((long)data.Count * (shard + 1) / threads);
        double criterion = 0;
        int errors = 0;
        Span<int> labels = stackalloc int[pass.MaxExamples];
        for (int start = lo; start < hi; start += pass.MaxExamples)
        {
            int E = Math.Min(pass.MaxExamples, hi - start);
            var targets = TestChunk.Load(pass, data, start, E, seed, labels);
            pass.Forward(theta, E, samples, sampled, labels[..E], targets, layouts);
            for (int e = 0; e < E; e++)
            {
                criterion += pass.Criterion(e);
                if (PerExample is not null) PerExample[start + e] = pass.Criterion(e);
                if (data.Labels is not null && shape.Head == OutputHead.Softmax && Predict(pass, e, classMeans[shard]) != labels[e])
                    errors++;
            }
        }
        shardCriterion[shard] = criterion;
        shardErrors[shard] = errors;
    }

    /// argmax_y of the mean over samples of P(y | h^(m)).
    static int Predict(NetworkPass pass, int e, float[] mean)
    {
        var sum = mean.AsSpan();
        sum.Clear();
        int M = pass.Samples;
        for (int m = 0; m < M; m++) TensorPrimitives.Add(sum, pass.ClassProbabilities(e * M + m), sum);
        return TensorPrimitives.IndexOfMax(sum);
    }
}

/// `TestLogLikelihood` is the mean `C_M` in nats per example; `TestError` is NaN without labels.
public readonly record struct EvaluationResult(double TestLogLikelihood, double TestError, int Samples);
