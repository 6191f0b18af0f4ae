using SimdSfnn.Nn;
using SimdSfnn.Nn.Gsn;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Property.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Gsn;

/// Walkback training: the same seed and thread count give the same bits, another thread count
/// only another order of the final sums, and the loss goes down on learnable data.
[Collection(nameof(KernelIsaCollection))] // kernels must not switch mid-run
public sealed class GsnTrainingTests
{
    /// 120 binary-ish images of 20 pixels, each a noisy copy of one of three prototypes.
    internal static ExampleSet Images(int count, int pixels, int seed)
    {
        var random = new Random(seed);
        var prototypes = Enumerable.Range(0, 3 * pixels).Select(_ => random.Next(2) * 0.9f + 0.05f).ToArray();
        var x = new float[count * pixels];
        for (int n = 0; n < count; n++)
        {
            int c = random.Next(3);
            for (int j = 0; j < pixels; j++) x[n * pixels + j] = random.NextDouble() < 0.1 ? 1 - prototypes[c * pixels + j] : prototypes[c * pixels + j];
        }
        return new ExampleSet(x, count, pixels, null, null, 0);
    }

    static (float[] Theta, double[] Losses) Train(int threads, ulong seed, int epochs = 2, float lr = 0.25f)
    {
        var shape = new GsnShape([20, 16, 12]);
        var data = Images(120, 20, seed: 4);
        var theta = new GsnParameters(shape);
        theta.Initialize(seed);
        using var pool = new WorkerPool(threads);
        var step = new GsnStep(shape, new GsnChainSettings(), pool, batchSize: 10, seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var losses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            new Random(epoch).Shuffle(order);
            for (int start = 0; start < data.Count; start += 10)
            {
                losses[epoch] += step.ComputeAndStep(theta, data, order, start, 10, epoch, lr);
                Assert.True(step.Finite);
            }
        }
        return (theta.Data, losses);
    }

    [Fact]
    public void Same_seed_and_threads_give_the_same_bits()
    {
        var (a, lossA) = Train(2, 7);
        var (b, lossB) = Train(2, 7);
        Assert.Equal(a, b);
        Assert.Equal(lossA, lossB);
        Assert.NotEqual(a, Train(2, 8).Theta);
    }

    [Fact]
    public void Another_thread_count_changes_only_the_order_of_the_sums()
    {
        var one = Train(1, 7).Theta;
        var three = Train(3, 7).Theta;
        for (int i = 0; i < one.Length; i++) Assert.True(Math.Abs(one[i] - three[i]) < 1e-4f, $"parameter {i}: {one[i]} vs {three[i]}");
    }

    [Fact]
    public void The_walkback_loss_goes_down()
    {
        var (_, losses) = Train(2, 3, epochs: 30);
        Assert.True(losses[^1] < 0.8 * losses[0], $"loss per epoch: {string.Join(", ", losses.Select(l => l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void The_sampler_gives_the_same_chain_for_a_seed_and_values_in_the_unit_interval()
    {
        var shape = new GsnShape([20, 16, 12]);
        var theta = new GsnParameters(shape);
        theta.Initialize(1);
        var x = Images(1, 20, seed: 4).X;
        float[] Chain(ulong seed)
        {
            var sampler = new GsnSampler(theta, new GsnChainSettings(), seed, 0);
            sampler.Start(x);
            var samples = new float[50 * 20];
            sampler.Next(samples);
            return samples;
        }
        var a = Chain(1);
        Assert.Equal(a, Chain(1));
        Assert.NotEqual(a, Chain(2));
        Assert.All(a, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void A_clamped_chain_keeps_its_clamped_pixels()
    {
        var shape = new GsnShape([20, 16, 12]);
        var theta = new GsnParameters(shape);
        theta.Initialize(1);
        var x = Images(1, 20, seed: 4).X;
        var clamp = Enumerable.Range(0, 20).Select(i => i >= 10 ? 1f : 0f).ToArray();
        var sampler = new GsnSampler(theta, new GsnChainSettings(), 1, 0);
        sampler.Start(x, clamp);
        var samples = new float[30 * 20];
        sampler.Next(samples);
        for (int s = 0; s < 30; s++)
            for (int i = 10; i < 20; i++) Assert.Equal(x[i], samples[s * 20 + i]);
        Assert.Contains(samples, v => v != 0 && v != 1 && !x.Contains(v)); // the free half moves
    }

    [Fact]
    public void The_step_with_packed_weights_gives_the_chains_mean_gradient()
    {
        var shape = new GsnShape([20, 40, 24]); // hidden layers wide enough to be packed
        var data = Images(30, 20, seed: 4);
        var theta = new GsnParameters(shape);
        theta.Initialize(5);
        var before = (float[])theta.Data.Clone();
        using var pool = new WorkerPool(2);
        var step = new GsnStep(shape, new GsnChainSettings(), pool, batchSize: 30, seed: 9);
        var order = Enumerable.Range(0, 30).Reverse().ToArray();
        double loss = step.ComputeAndStep(theta, data, order, 0, 30, epoch: 2, 0.1f);

        var chain = new GsnChain(shape, new GsnChainSettings(), 30); // packs nothing: every product packs for itself
        var original = new GsnParameters(shape);
        before.CopyTo(original.Data, 0);
        for (int e = 0; e < 30; e++)
        {
            data.Input(order[e]).CopyTo(chain.Input(e));
            chain.Stream(e) = RandomStream.Create(9, StreamId.Training(2, order[e]));
        }
        Assert.True(Math.Abs(loss - chain.Forward(original, 30)) <= 1e-5 * loss);
        var gradient = new GsnParameters(shape);
        chain.Backward(original, 30, gradient);
        for (int i = 0; i < gradient.Data.Length; i++)
            Assert.True(Math.Abs(step.Gradient.Data[i] - gradient.Data[i] / 30) <= 1e-6 + 1e-4 * Math.Abs(gradient.Data[i] / 30), $"parameter {i}: {step.Gradient.Data[i]} vs {gradient.Data[i] / 30}");
    }
}
