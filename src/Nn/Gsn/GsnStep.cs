using System.Numerics.Tensors;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

/// One minibatch of walkback training (Bengio et al. 2014, section 7): the batch is split into
/// one contiguous shard per worker, each running its own `GsnChain` forward and backward (the
/// signals and the biases' gradients), then each worker takes a share of the rows of every W_k,
/// sums their gradient over the chains in shard order (the biases': over the shards' sums),
/// divides by the batch size (the loss is the mean over the minibatch) and steps them with momentum, in the
/// authors' code's averaged form `m = mu m + (1 - mu) g`, `theta = theta - lr m` (docs/spec/gsn.md,
/// "Training protocol"): as classical momentum `v = mu v + (1 - mu) lr (-g)`, `theta += v`, exact
/// while lr is constant (within an epoch). Every example draws from a stream keyed by (seed,
/// epoch, example), so a seed and a thread count give the same bits.
public sealed class GsnStep : IShardedWork
{
    readonly WorkerPool pool;
    readonly GsnChain[] chains;
    readonly GsnParameters[] shardGradients;
    readonly float[][] shardData; // the shards' gradients as arrays, for the shared update
    readonly double[] shardLoss;
    readonly int[] shardRows;
    readonly bool[] sliceFinite;
    readonly Update update;
    readonly Evaluation evaluation;
    readonly Pack pack;
    readonly PackedWeights?[] packed; // [k] W_k packed once per step for every worker's products by W_k^T
    readonly PackedWeights?[] packedDown; // [k] the same for the products by W_k (the tied downward map)

    GsnParameters theta = null!;
    ExampleSet data = null!;
    int[] order = [];
    int batchStart, batchCount, epoch;
    float pendingRate;
    bool backward;
    Func<int, ulong> evaluationStream = _ => 0;

    public GsnStep(GsnShape shape, GsnChainSettings settings, WorkerPool pool, int batchSize, ulong seed, float momentum = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.pool = pool;
        Seed = seed;
        Momentum = momentum;
        int perShard = (batchSize + pool.ThreadCount - 1) / pool.ThreadCount;
        chains = new GsnChain[pool.ThreadCount];
        shardGradients = new GsnParameters[pool.ThreadCount];
        for (int s = 0; s < chains.Length; s++)
        {
            chains[s] = new GsnChain(shape, settings, perShard);
            shardGradients[s] = new GsnParameters(shape);
        }
        shardData = shardGradients.Select(g => g.Data).ToArray();
        shardLoss = new double[pool.ThreadCount];
        shardRows = new int[pool.ThreadCount];
        sliceFinite = new bool[pool.ThreadCount];
        Gradient = new GsnParameters(shape);
        Velocity = new float[Gradient.Data.Length];
        update = new Update(this);
        evaluation = new Evaluation(this);
        pack = new Pack(this);
        // packing W_k on every product cost a 50-example pass about a third of its time; layers of
        // 16 units or fewer go through MatMul's narrow kernel, which packs little
        // and so was packing W_2 and W_1 for each downward product, 52% of the FMA peak where the
        // prepacked upward ones ran at 63-67% (GSN-2, 2 threads)
        packed = new PackedWeights?[shape.HiddenLayers + 1];
        packedDown = new PackedWeights?[shape.HiddenLayers + 1];
        for (int k = 1; k <= shape.HiddenLayers; k++)
        {
            packed[k] = shape.Sizes[k] > MatMul.NarrowWidth ? new PackedWeights(shape.Sizes[k - 1], shape.Sizes[k]) : null;
            packedDown[k] = shape.Sizes[k - 1] > MatMul.NarrowWidth ? new PackedWeights(shape.Sizes[k], shape.Sizes[k - 1]) : null;
        }
        foreach (var chain in chains) chain.UsePackedWeights(packed, packedDown);
    }

    public ulong Seed { get; }
    public float Momentum { get; }
    /// The last minibatch's mean ascent direction `-dL/dtheta`.
    public GsnParameters Gradient { get; }
    /// The momentum state `v` (saved in checkpoints, so that a resumed run continues bit for bit).
    public float[] Velocity { get; }
    /// After `ComputeAndStep`: whether every gradient entry and every parameter is finite.
    public bool Finite { get; private set; }

    /// Trains on examples `order[start .. start + count)` of `data` and returns their summed loss.
    public double ComputeAndStep(GsnParameters theta, ExampleSet data, int[] order, int start, int count, int epoch, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(order);
        if (count < 1 || count > chains.Length * chains[0].Capacity) SfnnThrow.Argument($"a minibatch of {count} does not fit this step's {chains.Length * chains[0].Capacity}", nameof(count));
        (this.theta, this.data, this.order, batchStart, batchCount, this.epoch, backward) = (theta, data, order, start, count, epoch, true);
        pool.Run(pack);
        pool.Run(this);
        pendingRate = learningRate;
        pool.Run(update);
        Finite = Array.IndexOf(sliceFinite, false) < 0;
        return TotalLoss();
    }

    /// The summed loss of examples `[start, start + count)` of `data`, forward only (the held-out
    /// walkback loss of docs/spec/gsn.md's progress line), each drawing from `stream(index)`.
    public double Evaluate(GsnParameters theta, ExampleSet data, int start, int count, Func<int, ulong> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        double total = 0;
        int capacity = chains.Length * chains[0].Capacity;
        (this.theta, this.data, evaluationStream, backward) = (theta, data, stream, false);
        pool.Run(pack);
        for (int at = start; at < start + count; at += capacity)
        {
            (batchStart, batchCount) = (at, Math.Min(capacity, start + count - at));
            pool.Run(evaluation);
            total += TotalLoss();
        }
        return total;
    }

    double TotalLoss()
    {
        double total = 0;
        foreach (double loss in shardLoss) total += loss;
        return total;
    }

    (int Lo, int Hi) Shard(int shard) =>
        (batchStart + (int)((long)batchCount * shard / chains.Length), batchStart + (int)((long)batchCount * (shard + 1) / chains.Length));

    void IShardedWork.Run(int shard)
    {
        var chain = chains[shard];
        var (lo, hi) = Shard(shard);
        for (int i = lo; i < hi; i++)
        {
            int index = order[i];
            data.Input(index).CopyTo(chain.Input(i - lo));
            chain.Stream(i - lo) = RandomStream.Create(Seed, StreamId.Training(epoch, index));
        }
        var gradient = shardGradients[shard];
        gradient.Data.AsSpan(gradient.BiasesOffset).Clear(); // the shards hold only the biases' gradients
        shardRows[shard] = hi - lo;
        if (hi == lo)
        {
            shardLoss[shard] = 0;
            return;
        }
        shardLoss[shard] = chain.Forward(theta, hi - lo);
        if (backward) chain.BackwardSignals(theta, hi - lo, gradient);
    }

    void RunEvaluation(int shard)
    {
        var chain = chains[shard];
        var (lo, hi) = Shard(shard);
        for (int i = lo; i < hi; i++)
        {
            data.Input(i).CopyTo(chain.Input(i - lo));
            chain.Stream(i - lo) = RandomStream.Create(Seed, evaluationStream(i));
        }
        shardLoss[shard] = hi == lo ? 0 : chain.Forward(theta, hi - lo);
    }

    /// Worker `slice`'s rows of every `W_k`: their gradient over every chain's steps, in chain
    /// order, then the mean and the momentum step, while the rows are in cache; then its share of
    /// the biases, whose gradients the shards summed.
    void UpdateSlice(int slice)
    {
        int workers = chains.Length;
        float rate = (1 - Momentum) * pendingRate;
        bool finite = true;
        var shape = Gradient.Shape;
        for (int k = 1; k <= shape.HiddenLayers; k++)
        {
            int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1];
            int lo = (int)((long)n * slice / workers), hi = (int)((long)n * (slice + 1) / workers);
            if (hi == lo) continue;
            int offset = Gradient.WeightOffset(k) + lo * nBelow, length = (hi - lo) * nBelow;
            var g = Gradient.Data.AsSpan(offset, length);
            bool written = false;
            for (int s = 0; s < workers; s++)
                if (shardRows[s] > 0) written |= chains[s].WeightGradient(k, lo, hi, g, accumulate: written);
            if (!written) g.Clear();
            TensorPrimitives.Multiply(g, 1f / batchCount, g);
            finite &= MomentumUpdate.Apply(theta.Data.AsSpan(offset, length), Velocity.AsSpan(offset, length), g, Momentum, rate, out bool gradientFinite);
            finite &= gradientFinite;
        }
        int biases = Gradient.BiasesOffset;
        finite &= ShardedMomentumStep.Apply(slice, workers, shardData, Gradient.Data, batchCount, theta.Data, Velocity, Momentum, rate,
                                            biases, Gradient.Data.Length - biases);
        sliceFinite[slice] = finite;
    }

    /// Worker `part`'s panels of every packed `W_k`, from theta as it is now.
    void PackPart(int part)
    {
        for (int k = 1; k < packed.Length; k++)
        {
            if (packed[k] is { } layout) MatMul.PackForward(theta.W(k), layout, part, chains.Length);
            if (packedDown[k] is { } down) MatMul.PackInputGradient(theta.W(k), down, part, chains.Length);
        }
    }

    sealed class Pack(GsnStep owner) : IShardedWork
    {
        public void Run(int shard) => owner.PackPart(shard);
    }

    sealed class Update(GsnStep owner) : IShardedWork
    {
        public void Run(int shard) => owner.UpdateSlice(shard);
    }

    sealed class Evaluation(GsnStep owner) : IShardedWork
    {
        public void Run(int shard) => owner.RunEvaluation(shard);
    }
}
