using System.Numerics.Tensors;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gated;

/// One SGD step of the gated classifier (1308.3432 section 5) over the pool's workers: each
/// worker runs a contiguous shard of the minibatch through its own `GatedPass`; the batch mean of
/// `E[h]` per gate (the KL penalty's `q`) is summed over the shards in shard order between the
/// forward and the backward; then each worker sums its share of the gradient over the shards, in
/// shard order, steps it with momentum (`v = mu v - lr g`, `theta += v`), and scales back its share of
/// the units whose incoming weights are longer than the max-norm. Every example draws from a stream
/// keyed by (seed, epoch, example), so a seed and a thread count give the same bits.
internal sealed class GatedStep : IShardedWork
{
    /// Rows each worker evaluates at once: more rows share each sweep of an active gate's expert
    /// weights than a training shard's (`sfnn bench --task gated` times the sparse forward at this size).
    public const int EvaluationRows = 64;

    enum Phase { Pack, Forward, Backward, Update, Clamp, Evaluate }

    readonly WorkerPool pool;
    readonly GatedPass[] passes, evaluationPasses;
    readonly GatedParameters[] shardGradients;
    readonly float[][] shardData; // the shards' gradients as arrays, for the shared update
    readonly double[] shardLoss;
    readonly bool[] sliceFinite;
    readonly float[] klSlope;
    readonly MovingBaseline? baseline; // reinforce's Lbar per gate
    readonly float[] baselineStatistics;
    readonly GatedLayouts layouts;

    GatedParameters theta = null!;
    ExampleSet data = null!;
    int[] order = [];
    int batchStart, batchCount, epoch, evaluationStart;
    float rate, threshold;
    bool gatesOnly;
    float[]? gateValues;
    Phase phase;

    public GatedStep(GatedShape shape, Gater gater, WorkerPool pool, int batchSize, ulong seed, GatedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.pool = pool;
        Shape = shape;
        Gater = gater;
        Seed = seed;
        Settings = settings;
        int perShard = (batchSize + pool.ThreadCount - 1) / pool.ThreadCount;
        passes = new GatedPass[pool.ThreadCount];
        evaluationPasses = new GatedPass[pool.ThreadCount];
        shardGradients = new GatedParameters[pool.ThreadCount];
        for (int s = 0; s < passes.Length; s++)
        {
            passes[s] = new GatedPass(shape, gater, perShard);
            evaluationPasses[s] = new GatedPass(shape, gater, EvaluationRows);
            shardGradients[s] = new GatedParameters(shape);
        }
        shardData = shardGradients.Select(g => g.Data).ToArray();
        shardLoss = new double[pool.ThreadCount];
        sliceFinite = new bool[pool.ThreadCount];
        klSlope = new float[shape.Gates];
        baseline = gater.LikelihoodRatio ? new MovingBaseline([shape.Gates], adaptive: true, fixedBaseline: 0) : null;
        baselineStatistics = gater.LikelihoodRatio ? new float[2 * shape.Gates] : [];
        Gradient = new GatedParameters(shape);
        Velocity = new float[Gradient.Data.Length];
        L1Weight = settings.SparsityWeight;
        layouts = new GatedLayouts(shape, expert: gater.NeedsEveryExpert);
        foreach (var pass in passes)
        {
            pass.Layouts = layouts;
            pass.KlOnNonzero = settings.KlOnNonzero && gater.Unit is Units.StsUnit;
        }
        foreach (var pass in evaluationPasses) pass.Layouts = layouts;
    }

    public GatedShape Shape { get; }
    public Gater Gater { get; }
    public ulong Seed { get; }
    public GatedSettings Settings { get; }
    /// The last step's mean `dL/dtheta`.
    public GatedParameters Gradient { get; }
    public float[] Velocity { get; }
    /// The noisy rectifier's L1 coefficient now (it rises while too many gates are on, falls while too few).
    public float L1Weight { get; private set; }
    /// After a step or an evaluation: the fraction of gates that were non-zero.
    public double FractionOn { get; private set; }
    /// Evaluations with the gates above the threshold at 1 instead of `E[h | a]` (a diagnostic).
    public bool BinaryTestGates
    {
        get => evaluationPasses[0].BinaryTestGates;
        set
        {
            foreach (var pass in evaluationPasses) pass.BinaryTestGates = value;
        }
    }
    /// After `ComputeAndStep`: whether every gradient entry and parameter is finite.
    public bool Finite { get; private set; }

    /// Trains on examples `order[start .. start + count)`; returns their summed cross-entropy.
    public double ComputeAndStep(GatedParameters theta, ExampleSet data, int[] order, int start, int count, int epoch, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(data);
        if (count < 1 || count > passes.Length * passes[0].Capacity) SfnnThrow.Argument($"a minibatch of {count} does not fit this step", nameof(count));
        (this.theta, this.data, this.order, batchStart, batchCount, this.epoch, rate) = (theta, data, order, start, count, epoch, learningRate);
        Run(Phase.Pack);
        Run(Phase.Forward);
        long on = 0;
        foreach (var pass in passes) on += pass.GatesOn;
        FractionOn = on / ((double)count * Shape.Gates);
        if (Gater.KlPenalty)
        {
            // q_i = mean over the minibatch of E[h_i], summed in shard order
            var q = klSlope;
            SumOverShards(static pass => pass.GateMeanSum, q);
            for (int i = 0; i < q.Length; i++) q[i] = Gater.KlSlope(q[i] / count, Settings.Sparsity);
        }
        Run(Phase.Backward);
        if (baseline is not null)
        {
            // the statistics of eq. (7), summed in shard order, join the moving averages after the step's use of Lbar
            SumOverShards(static pass => pass.BaselineStatistics, baselineStatistics);
            baseline.EndStep(0, baselineStatistics);
        }
        Run(Phase.Update);
        Run(Phase.Clamp);
        Finite = Array.IndexOf(sliceFinite, false) < 0;
        if (!Gater.KlPenalty)
        {
            if (FractionOn > Settings.Sparsity + 0.01) L1Weight *= Settings.L1Factor;
            else if (FractionOn < Settings.Sparsity - 0.01) L1Weight /= Settings.L1Factor;
        }
        double loss = 0;
        foreach (double l in shardLoss) loss += l;
        return loss;
    }

    /// The deterministic net on examples `[start, start + count)` of `data` with the gates below
    /// `threshold` off: returns how many it classified right (`FractionOn` says how many gates were on).
    /// With `gateValues` ((count, G)), only the gates' `E[h | a]` are computed, into it.
    public int Evaluate(GatedParameters theta, ExampleSet data, int start, int count, float threshold, float[]? gateValues = null)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(data);
        (this.theta, this.data, this.gateValues, gatesOnly, evaluationStart) = (theta, data, gateValues, gateValues is not null, start);
        // the gate values for the threshold's tuning: none switched off yet
        this.threshold = gatesOnly ? float.NegativeInfinity : threshold;
        Run(Phase.Pack);
        int capacity = evaluationPasses.Length * EvaluationRows, correct = 0;
        long on = 0;
        for (int at = start; at < start + count; at += capacity)
        {
            (batchStart, batchCount) = (at, Math.Min(capacity, start + count - at));
            Run(Phase.Evaluate);
            for (int s = 0; s < evaluationPasses.Length; s++)
                if (Shard(s).Hi > Shard(s).Lo)
                {
                    correct += evaluationPasses[s].Correct;
                    on += evaluationPasses[s].GatesOn;
                }
        }
        FractionOn = count == 0 ? 0 : on / ((double)count * Shape.Gates);
        this.gateValues = null;
        return correct;
    }

    /// `sum` = the non-empty shards' `of(pass)` added in shard order, so the bits do not depend on
    /// which worker finished first.
    void SumOverShards(Func<GatedPass, float[]> of, float[] sum)
    {
        Array.Clear(sum);
        for (int s = 0; s < passes.Length; s++)
            if (Shard(s).Hi > Shard(s).Lo) TensorPrimitives.Add(sum, of(passes[s]), sum);
    }

    void Run(Phase next)
    {
        phase = next;
        pool.Run(this);
    }

    (int Lo, int Hi) Shard(int shard) =>
        (batchStart + (int)((long)batchCount * shard / passes.Length), batchStart + (int)((long)batchCount * (shard + 1) / passes.Length));

    void IShardedWork.Run(int shard)
    {
        switch (phase)
        {
            case Phase.Pack: layouts.Prepare(theta, shard, passes.Length); break;
            case Phase.Forward: ForwardShard(shard); break;
            case Phase.Backward: BackwardShard(shard); break;
            case Phase.Update: UpdateSlice(shard); break;
            case Phase.Clamp: ClampSlice(shard); break;
            default: EvaluateShard(shard); break;
        }
    }

    void ForwardShard(int shard)
    {
        var pass = passes[shard];
        var (lo, hi) = Shard(shard);
        Array.Clear(shardGradients[shard].Data);
        shardLoss[shard] = 0;
        if (hi == lo)
        {
            Array.Clear(pass.GateMeanSum);
            return;
        }
        for (int i = lo; i < hi; i++)
        {
            int index = order[i];
            data.Input(index).CopyTo(pass.Input(i - lo));
            pass.Label(i - lo) = data.Labels![index];
            pass.Stream(i - lo) = RandomStream.Create(Seed, StreamId.Training(epoch, index));
        }
        shardLoss[shard] = pass.Forward(theta, hi - lo, training: true);
    }

    void BackwardShard(int shard)
    {
        var (lo, hi) = Shard(shard);
        if (hi > lo)
            passes[shard].Backward(theta, hi - lo, shardGradients[shard], klSlope,
                                   Gater.KlPenalty ? Settings.SparsityWeight : L1Weight, baseline is null ? default : baseline.Of(0));
    }

    // MomentumUpdate ascends: v = mu v + lr (-g); the gater path, which leads the block, at its own rate when it has one
    void UpdateSlice(int slice)
    {
        if (Settings.GaterRateScale == 1)
        {
            sliceFinite[slice] = ShardedMomentumStep.Apply(slice, passes.Length, shardData, Gradient.Data, batchCount,
                                                           theta.Data, Velocity, Settings.Momentum, -rate);
            return;
        }
        int gater = (int)Shape.GaterParameterCount, rest = Gradient.Data.Length - gater;
        bool gaterFinite = ShardedMomentumStep.Apply(slice, passes.Length, shardData, Gradient.Data, batchCount,
                                                     theta.Data, Velocity, Settings.Momentum, -rate * Settings.GaterRateScale, 0, gater);
        bool restFinite = ShardedMomentumStep.Apply(slice, passes.Length, shardData, Gradient.Data, batchCount,
                                                    theta.Data, Velocity, Settings.Momentum, -rate, gater, rest);
        sliceFinite[slice] = gaterFinite && restFinite;
    }

    void ClampSlice(int slice)
    {
        int units = theta.UnitCount;
        theta.ShrinkAndClampNorms((int)((long)units * slice / passes.Length), (int)((long)units * (slice + 1) / passes.Length),
                                  1 - rate * Settings.WeightDecay, Settings.MaxNorm);
    }

    void EvaluateShard(int shard)
    {
        var pass = evaluationPasses[shard];
        var (lo, hi) = Shard(shard);
        if (hi == lo) return;
        for (int i = lo; i < hi; i++)
        {
            data.Input(i).CopyTo(pass.Input(i - lo));
            pass.Label(i - lo) = data.Labels is null ? 0 : data.Labels[i];
        }
        pass.Forward(theta, hi - lo, training: false, threshold, gatesOnly);
        if (gateValues is { } values)
        {
            int G = Shape.Gates;
            for (int i = lo; i < hi; i++) pass.Gates(i - lo).CopyTo(values.AsSpan((i - evaluationStart) * G, G));
        }
    }
}
