using SimdSfnn.Nn.Gated;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Property.Nn;

namespace SimdSfnn.Property.Gated;

/// The gated classifier's training step: it allocates nothing in the steady state (see
/// `ZeroAllocationTests`), the same seed and thread count give the same bits, it drives the
/// fraction of gates on towards the 10% target, and it keeps every unit's incoming weights within
/// the max-norm.
[Collection(nameof(AllocationCollection))]
public sealed class GatedStepTests
{
    static readonly GatedShape Shape = new(40, 24, 64, 10);

    [Theory]
    [InlineData("st")]
    [InlineData("noisy-relu")]
    [InlineData("sts")]
    [InlineData("reinforce")]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("noisy-sigmoid")]
    public void Training_step_allocates_nothing(string gaterName)
    {
        var gater = Gater.FromName(gaterName)!;
        var data = GatedTestNets.Data(Shape, 400, seed: 1);
        var theta = GatedTestNets.RandomParameters(Shape, 2, gater.InitialBias);
        using var pool = new WorkerPool(2);
        var step = new GatedStep(Shape, gater, pool, batchSize: 30, seed: 3, new GatedSettings { Momentum = 0.5f });
        var order = Enumerable.Range(0, data.Count).ToArray();
        int cursor = 0;
        void Step()
        {
            // batch 30 over 400 examples: the last minibatch of each pass is short (10 examples)
            int count = Math.Min(30, data.Count - cursor);
            step.ComputeAndStep(theta, data, order, cursor, count, epoch: 0, 0.05f);
            cursor = (cursor + count) % data.Count;
        }
        var probe = new AllocationProbe(pool.ThreadCount);
        for (int i = 0; i < 60; i++) Step();
        long before = probe.Read(pool);
        for (int i = 0; i < 200; i++) Step();
        Assert.Equal(0, probe.Read(pool) - before);
    }

    [Theory]
    [InlineData("st", 2)]
    [InlineData("noisy-relu", 2)]
    [InlineData("sts", 1)]
    [InlineData("reinforce", 2)]
    [InlineData("noisy-sigmoid", 2)]
    public void Same_seed_and_threads_give_the_same_bits(string gaterName, int threads)
    {
        float[] Train()
        {
            var gater = Gater.FromName(gaterName)!;
            var data = GatedTestNets.Data(Shape, 200, seed: 1);
            var theta = GatedTestNets.RandomParameters(Shape, 2, gater.InitialBias);
            using var pool = new WorkerPool(threads);
            var step = new GatedStep(Shape, gater, pool, batchSize: 25, seed: 3, new GatedSettings());
            var order = Enumerable.Range(0, data.Count).ToArray();
            for (int epoch = 0; epoch < 2; epoch++)
                for (int start = 0; start < data.Count; start += 25)
                    step.ComputeAndStep(theta, data, order, start, 25, epoch, 0.1f);
            return theta.Data;
        }
        Assert.Equal(Train(), Train());
    }

    [Theory]
    [InlineData("st")]
    [InlineData("noisy-relu")]
    [InlineData("noisy-sigmoid")]
    public void Evaluation_gives_each_row_the_same_gates_and_class_however_the_rows_are_shared(string gaterName)
    {
        // one worker's 64-row chunks against two workers' 32-row shards: the same gate values of
        // every row, bit for bit (a row's experts do not depend on which other rows share its gates)
        var gater = Gater.FromName(gaterName)!;
        var data = GatedTestNets.Data(Shape, 150, seed: 4);
        var theta = GatedTestNets.RandomParameters(Shape, 5, gater.InitialBias + 1);
        (int Correct, double On, float[] Gates) Evaluate(int threads)
        {
            using var pool = new WorkerPool(threads);
            var step = new GatedStep(Shape, gater, pool, batchSize: 16, seed: 3, new GatedSettings());
            var gates = new float[data.Count * Shape.Gates];
            step.Evaluate(theta, data, 0, data.Count, 0f, gates);
            int correct = step.Evaluate(theta, data, 0, data.Count, threshold: 0.3f);
            return (correct, step.FractionOn, gates);
        }
        var (oneCorrect, oneOn, oneGates) = Evaluate(1);
        var (twoCorrect, twoOn, twoGates) = Evaluate(2);
        Assert.Equal(oneGates, twoGates);
        Assert.Equal(oneCorrect, twoCorrect);
        Assert.Equal(oneOn, twoOn);
        Assert.InRange(oneOn, 0.01, 0.99);
    }

    [Theory]
    [InlineData("st")]
    [InlineData("noisy-relu")]
    [InlineData("sts")]
    [InlineData("reinforce")]
    [InlineData("relu")]
    public void Penalty_pulls_the_gates_towards_the_target_and_max_norm_holds(string gaterName)
    {
        var gater = Gater.FromName(gaterName)!;
        var data = GatedTestNets.Data(Shape, 300, seed: 4);
        var theta = GatedTestNets.RandomParameters(Shape, 5, gateBias: 1.5f); // far too many gates on
        using var pool = new WorkerPool(2);
        var settings = new GatedSettings { MaxNorm = 0.5f, SparsityWeight = gater.KlPenalty ? 1f : 0.01f, L1Factor = 1.05f };
        var step = new GatedStep(Shape, gater, pool, batchSize: 30, seed: 3, settings);
        var order = Enumerable.Range(0, data.Count).ToArray();
        double first = 0;
        for (int epoch = 0; epoch < 30; epoch++)
            for (int start = 0; start < data.Count; start += 30)
            {
                step.ComputeAndStep(theta, data, order, start, 30, epoch, 0.1f);
                if (epoch == 0 && start == 0) first = step.FractionOn;
            }
        // the mean E[h] is what the KL penalty targets; sts's fraction non-zero is sqrt of it
        double target = gater.Name == "sts" ? Math.Sqrt(0.1) : 0.1;
        Assert.True(first > 0.5, $"start {first}");
        Assert.InRange(step.FractionOn, target - 0.1, target + 0.1);
        for (int u = 0; u < Shape.Hidden; u++) Assert.True(Norm(theta.W1.Slice(u * Shape.Inputs, Shape.Inputs)) <= 0.5f * 1.0001f);
        for (int u = 0; u < Shape.Gates; u++) Assert.True(Norm(theta.We.Slice(u * Shape.Inputs, Shape.Inputs)) <= 0.5f * 1.0001f);
    }

    [Fact]
    public void Weight_decay_shrinks_every_weight_after_the_step_and_no_bias()
    {
        var gater = Gater.FromName("st")!;
        var data = GatedTestNets.Data(Shape, 60, seed: 6);
        var order = Enumerable.Range(0, data.Count).ToArray();
        const float lr = 0.1f, lambda = 0.5f;
        GatedParameters After(float weightDecay)
        {
            var theta = GatedTestNets.RandomParameters(Shape, 7, gater.InitialBias);
            using var pool = new WorkerPool(2);
            var step = new GatedStep(Shape, gater, pool, batchSize: 30, seed: 3,
                                     new GatedSettings { MaxNorm = 1e6f, SparsityWeight = 0.01f, WeightDecay = weightDecay });
            step.ComputeAndStep(theta, data, order, 0, 30, 0, lr);
            return theta;
        }
        var plain = After(0);
        var decayed = After(lambda);
        float shrink = 1 - lr * lambda;
        foreach (var (a, b) in new[] { (plain.W1.ToArray(), decayed.W1.ToArray()), (plain.W2.ToArray(), decayed.W2.ToArray()),
                                       (plain.We.ToArray(), decayed.We.ToArray()), (plain.V.ToArray(), decayed.V.ToArray()) })
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i] * shrink, b[i]);
        Assert.Equal(plain.B1.ToArray(), decayed.B1.ToArray());
        Assert.Equal(plain.B2.ToArray(), decayed.B2.ToArray());
        Assert.Equal(plain.Be.ToArray(), decayed.Be.ToArray());
        Assert.Equal(plain.Bo.ToArray(), decayed.Bo.ToArray());
    }

    [Fact]
    public void The_gater_rate_scales_the_gater_paths_step_only()
    {
        var gater = Gater.FromName("reinforce")!;
        var data = GatedTestNets.Data(Shape, 60, seed: 8);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var start = GatedTestNets.RandomParameters(Shape, 9, gater.InitialBias);
        float[] After(float scale)
        {
            var theta = new GatedParameters(Shape);
            start.Data.CopyTo(theta.Data, 0);
            using var pool = new WorkerPool(2);
            var step = new GatedStep(Shape, gater, pool, batchSize: 30, seed: 3,
                                     new GatedSettings { MaxNorm = 1e6f, SparsityWeight = 0.01f, GaterRateScale = scale });
            step.ComputeAndStep(theta, data, order, 0, 30, 0, 0.1f);
            return theta.Data;
        }
        var plain = After(1);
        var scaled = After(0.01f);
        int gaterCount = (int)Shape.GaterParameterCount, moved = 0;
        for (int k = 0; k < gaterCount; k++)
        {
            double full = plain[k] - start.Data[k], part = scaled[k] - start.Data[k];
            Assert.True(Math.Abs(part - 0.01 * full) <= 1e-6 + 1e-3 * Math.Abs(full), $"gater parameter {k}: step {part}, plain {full}");
            if (Math.Abs(full) > 1e-5) moved++;
        }
        Assert.True(moved > gaterCount / 2, $"only {moved} of {gaterCount} gater parameters moved");
        Assert.Equal(plain.AsSpan(gaterCount).ToArray(), scaled.AsSpan(gaterCount).ToArray());
    }

    static float Norm(ReadOnlySpan<float> w) => System.Numerics.Tensors.TensorPrimitives.Norm(w);
}
