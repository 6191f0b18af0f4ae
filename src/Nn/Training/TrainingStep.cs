using System.Numerics.Tensors;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn.Units;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Training;

/// The gradient of one minibatch: the mean over its examples of each example's estimate,
/// computed by `WorkerPool.ThreadCount` shards that each own a `NetworkPass`, then summed in
/// shard order so that a seed and a thread count always give the same bits (the sum is split
/// across the workers by parameter, so it runs in parallel too).
/// Every random number an example uses (its input noise and its hidden samples) comes from a
/// stream keyed by (seed, epoch, example index), so the draws do not depend on the sharding.
/// The deterministic net on several workers goes through `UnitSplitStep` instead, which splits
/// the work by units (each worker's weights then stay in its cache).
public sealed class TrainingStep : IShardedWork
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
    readonly ParameterRange[] ranges;      // the fused update's cut of the parameters
    readonly RangeUpdate rangeUpdate;
    readonly bool[] sliceParametersFinite;
    readonly UnitSplitStep? unitSplit;     // the deterministic net's step on several workers
    bool layoutsCurrent;                   // the layouts hold theta as the last ComputeAndStep left it
    int[][][] shardFiring = [];            // [shard][hidden layer][unit]: rows where h was non-zero, for the counted layers
    int[][] firing = [];                   // [hidden layer][unit], summed over shards
    MomentumSgd? pendingOptimizer;
    float pendingRate;

    Parameters theta = null!;
    ExampleSet data = null!;
    int[] order = [];
    int batchStart, batchCount, epoch;

    /// `splitUnits`: whether the deterministic net on several workers splits its step by units
    /// (`UnitSplitStep`, the default) rather than by examples, as every other estimator does.
    public TrainingStep(NetworkShape shape, IGradientEstimator estimator, WorkerPool pool,
                             int batchSize, int samples, ulong seed, float inputNoise, bool splitUnits = true)
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
        ranges = ParameterCut.Deal(shape, layouts, Gradient, pool.ThreadCount);
        rangeUpdate = new RangeUpdate(this);
        sliceParametersFinite = new bool[pool.ThreadCount];
        if (splitUnits && UnitSplitStep.AppliesTo(estimator, pool.ThreadCount)) unitSplit = new UnitSplitStep(shape, pool.ThreadCount, batchSize);
        var hiddenWidths = shape.Sizes[1..^1];
        statistics = hiddenWidths.Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        for (int t = 0; t < pool.ThreadCount; t++)
        {
            passes[t] = PassPool.Rent(shape, chunkExamples, Samples);
            shardGradients[t] = new Parameters(shape);
            shardStatistics[t] = hiddenWidths.Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        }
    }

    /// From now on, counts in each step how many rows each unit of hidden layer `k` was non-zero
    /// in, for every `k` where `layers[k]` (the firing-rate control's input, `Firing`).
    internal void CountFiring(IReadOnlyList<bool> layers)
    {
        var widths = shape.Sizes[1..^1];
        int[] Counts(int k) => k < layers.Count && layers[k] ? new int[widths[k]] : [];
        firing = widths.Select((_, k) => Counts(k)).ToArray();
        shardFiring = passes.Select(_ => widths.Select((_, k) => Counts(k)).ToArray()).ToArray();
    }

    /// After a step with `CountFiring`: the rows (examples x samples) where each unit of hidden
    /// layer `k` was non-zero; out of `FiringRows`.
    internal ReadOnlySpan<int> Firing(int k) => firing[k];
    internal int FiringRows => batchCount * Samples;

    public IGradientEstimator Estimator { get; }
    public int Samples { get; }
    public ulong Seed { get; }
    public float InputNoise { get; }
    /// The last minibatch's mean gradient (an ascent direction).
    public Parameters Gradient { get; }
    /// Whether every entry of `Gradient` is finite.
    public bool GradientIsFinite { get; private set; }
    /// After `ComputeAndStep`: whether every parameter is still finite.
    public bool ParametersAreFinite { get; private set; }

    /// Computes the mean gradient of examples `order[start .. start + count)` into `Gradient`,
    /// updates the estimator's running statistics, and returns the sum of their `C_M`.
    public double Compute(Parameters theta, ExampleSet data, int[] order, int start, int count, int epoch)
    {
        layoutsCurrent = false; // the caller may change theta before the next step
        if (UnitSplit(count)) return RunUnitSplit(theta, data, order, start, count, epoch, null, 0);
        layouts.Prepare(theta, pool);
        Begin(theta, data, order, start, count, epoch);
        pool.Run(this);
        pool.Run(shardSum);
        GradientIsFinite = Array.IndexOf(sliceFinite, false) < 0;
        return Finish();
    }

    /// `Compute`, then `optimizer`'s step on theta with the gradient, in one pass over the
    /// parameters: each worker sums, steps and lays out again for the next step (`WeightLayouts.RefreshRows`)
    /// a band of whole 32-row panels while it is in its cache. Apart from the prepared layouts it
    /// leaves, the same bits as `Compute` followed by `optimizer.Step`. Between two calls theta
    /// must change only through them (or pass through `Compute`, which lays it out afresh):
    /// the layouts of the last call are reused. `GradientIsFinite` and `ParametersAreFinite` say
    /// whether the step went wrong.
    public double ComputeAndStep(Parameters theta, ExampleSet data, int[] order, int start, int count, int epoch,
                                 MomentumSgd optimizer, float learningRate)
    {
        if (!ReferenceEquals(optimizer.Parameters, theta)) SfnnThrow.Argument("the optimizer steps other parameters", nameof(optimizer));
        if (UnitSplit(count))
        {
            layoutsCurrent = false; // the split step reads theta as it is, and leaves no layouts
            return RunUnitSplit(theta, data, order, start, count, epoch, optimizer, learningRate);
        }
        if (!layoutsCurrent || !layouts.PreparedFrom(theta)) layouts.Prepare(theta, pool);
        Begin(theta, data, order, start, count, epoch);
        pool.Run(this);
        (pendingOptimizer, pendingRate) = (optimizer, learningRate);
        pool.Run(rangeUpdate);
        pendingOptimizer = null;
        GradientIsFinite = Array.IndexOf(sliceFinite, false) < 0;
        ParametersAreFinite = Array.IndexOf(sliceParametersFinite, false) < 0;
        layoutsCurrent = true;
        return Finish();
    }

    /// Whether `count` examples go through the unit-split step (the deterministic net on several
    /// workers, a minibatch no larger than the one it was made for).
    bool UnitSplit(int count) => unitSplit is not null && count <= unitSplit.Capacity;

    double RunUnitSplit(Parameters theta, ExampleSet data, int[] order, int start, int count, int epoch,
                        MomentumSgd? optimizer, float learningRate)
    {
        double criterion = unitSplit!.Run(pool, theta, Gradient, data, order, start, count, epoch, Seed, InputNoise, optimizer, learningRate);
        GradientIsFinite = unitSplit.GradientIsFinite;
        ParametersAreFinite = unitSplit.ParametersAreFinite;
        EndStatistics();
        return criterion;
    }

    void Begin(Parameters theta, ExampleSet data, int[] order, int start, int count, int epoch)
    {
        this.theta = theta;
        this.data = data;
        this.order = order;
        batchStart = start;
        batchCount = count;
        this.epoch = epoch;
    }

    /// The criterion summed over shards; the estimator's statistics summed and handed over.
    double Finish()
    {
        double criterion = 0;
        for (int t = 0; t < passes.Length; t++) criterion += shardCriterion[t];
        EndStatistics();
        for (int k = 0; k < firing.Length; k++)
        {
            var sum = firing[k].AsSpan();
            sum.Clear();
            for (int t = 0; t < passes.Length; t++) TensorPrimitives.Add(sum, shardFiring[t][k], sum);
        }
        return criterion;
    }

    /// The estimator's statistics summed over shards and handed over.
    void EndStatistics()
    {
        for (int k = 0; k < statistics.Length; k++)
        {
            var sum = statistics[k].AsSpan();
            sum.Clear();
            for (int t = 0; t < passes.Length; t++) TensorPrimitives.Add(sum, shardStatistics[t][k], sum);
            Estimator.EndStep(k, sum);
        }
    }

    void IShardedWork.Run(int shard)
    {
        var pass = passes[shard];
        var gradient = shardGradients[shard];
        foreach (var s in shardStatistics[shard]) Array.Clear(s);
        var counts = shardFiring.Length > 0 ? shardFiring[shard] : [];
        foreach (var c in counts) Array.Clear(c);
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
                int index = order[start + e];
                pass.Stream(e) = TrainingInput.Load(data, index, Seed, epoch, InputNoise, pass.Input(e),
                                                    next: e + 1 < E ? order[start + e + 1] : -1);
                if (data.Labels is not null) labels[e] = data.Labels[index];
            }
            ReadOnlySpan<float> targets = data.Targets is null ? default : GatherTargets(pass, start, E);
            pass.Forward(theta, E, Samples, Estimator.SamplesHidden, labels[..E], targets, layouts);
            for (int k = 0; k < counts.Length; k++)
                if (counts[k].Length > 0) FiringRateControl.CountFiring(pass.HiddenStates(k), counts[k].Length, counts[k]);
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
        sliceFinite[slice] = SumRange(lo, length);
    }

    /// `Gradient[lo, lo + length)` from the shards; whether it is finite (true unchecked, when
    /// `check` is false and no pass over it would otherwise find out).
    bool SumRange(int lo, int length, bool check = true)
    {
        var total = Gradient.Data.AsSpan(lo, length);
        if (total.IsEmpty) return true;
        // one pass over the range for two shards (the usual case), in shard order for more
        float scale = 1f / batchCount;
        var first = shardGradients[0].Data.AsSpan(lo, length);
        if (shardGradients.Length == 2)
            return ScaledSum.Apply(first, shardGradients[1].Data.AsSpan(lo, length), scale, total);
        if (shardGradients.Length == 1) TensorPrimitives.Multiply(first, scale, total);
        else
        {
            first.CopyTo(total);
            for (int t = 1; t < shardGradients.Length; t++)
                TensorPrimitives.Add(total, shardGradients[t].Data.AsSpan(lo, length), total);
            TensorPrimitives.Multiply(total, scale, total);
        }
        // the largest magnitude is NaN or infinite if any entry is: one vectorized pass
        return !check || float.IsFinite(TensorPrimitives.MaxMagnitude(total));
    }

    /// Worker `slice`'s ranges of the fused update: sum, step, lay out again.
    void UpdateRanges(int slice)
    {
        bool gradientFinite = true, parametersFinite = true;
        foreach (var range in ranges)
        {
            if (range.Worker != slice) continue;
            // the step checks the summed gradient as it reads it
            gradientFinite &= SumRange(range.Start, range.Length, check: false);
            parametersFinite &= pendingOptimizer!.StepRange(range.Start, Gradient.Data.AsSpan(range.Start, range.Length), pendingRate, out bool finite);
            gradientFinite &= finite;
            if (range.Layer >= 0) layouts.RefreshRows(theta, range.Layer, range.RowStart, range.RowEnd);
        }
        sliceFinite[slice] = gradientFinite;
        sliceParametersFinite[slice] = parametersFinite;
    }

    sealed class RangeUpdate(TrainingStep owner) : IShardedWork
    {
        public void Run(int shard) => owner.UpdateRanges(shard);
    }

    sealed class ShardSum(TrainingStep owner) : IShardedWork
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
