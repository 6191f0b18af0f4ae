using SimdSfnn.Estimators;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// The deterministic net's step split by units (each worker owning a share of every layer's
/// units) computes the gradient of the step split by examples: the same sums, in another order,
/// so equal to float rounding; and it fails loudly rather than hanging at a barrier.
[Collection(nameof(KernelIsaCollection))] // kernels must not switch mid-run
public sealed class UnitSplitStepTests
{
    static (float[] Gradient, double Criterion) Gradient(int[] sizes, OutputHead head, int threads, bool splitUnits, int count)
    {
        var shape = new NetworkShape(sizes, head);
        var data = head == OutputHead.Softmax
            ? TinyData.Classification(100, sizes[0], sizes[^1], seed: 31)
            : TinyData.Structured(100, sizes[0], sizes[^1], seed: 31);
        var theta = TinyData.RandomParameters(shape, seed: 32, scale: 0.3);
        using var pool = new WorkerPool(threads);
        var minibatch = new TrainingStep(shape, new DeterministicBackprop(), pool, 33, 1, 5, 0.4f, splitUnits);
        var order = Enumerable.Range(0, data.Count).Reverse().ToArray();
        double criterion = minibatch.Compute(theta, data, order, 7, count, epoch: 1);
        Assert.True(minibatch.GradientIsFinite);
        return (minibatch.Gradient.Data.ToArray(), criterion);
    }

    [Theory]
    // widths that are not whole 16-float lines; 200 gives each worker packed rows of its own
    [InlineData(new[] { 30, 40, 37, 5 }, OutputHead.Softmax, 2, 33)]
    [InlineData(new[] { 30, 40, 37, 5 }, OutputHead.Softmax, 3, 33)]
    [InlineData(new[] { 30, 40, 37, 5 }, OutputHead.Softmax, 2, 5)]   // fewer examples than a worker's share
    [InlineData(new[] { 30, 40, 37, 20 }, OutputHead.Bernoulli, 2, 33)]
    [InlineData(new[] { 50, 200, 70, 10 }, OutputHead.Softmax, 2, 33)]
    [InlineData(new[] { 30, 40, 24, 24, 5 }, OutputHead.Softmax, 3, 20)] // three hidden layers
    public void Gives_the_gradient_of_the_split_by_examples(int[] sizes, OutputHead head, int threads, int count)
    {
        var byUnits = Gradient(sizes, head, threads, splitUnits: true, count);
        var byExamples = Gradient(sizes, head, threads, splitUnits: false, count);
        Assert.True(Math.Abs(byUnits.Criterion - byExamples.Criterion) < 1e-5 * Math.Abs(byExamples.Criterion) + 1e-6,
                    $"criterion {byUnits.Criterion} against {byExamples.Criterion}");
        // float sums of at most a few hundred terms of size ~1, divided by the count
        for (int i = 0; i < byUnits.Gradient.Length; i++)
            Assert.True(Math.Abs(byUnits.Gradient[i] - byExamples.Gradient[i]) < 1e-5f + 1e-4f * Math.Abs(byExamples.Gradient[i]),
                        $"parameter {i}: {byUnits.Gradient[i]} split by units, {byExamples.Gradient[i]} by examples");
    }

    [Fact]
    public void The_same_call_gives_the_same_bits()
    {
        var first = Gradient([50, 200, 70, 10], OutputHead.Softmax, 2, splitUnits: true, 33);
        var second = Gradient([50, 200, 70, 10], OutputHead.Softmax, 2, splitUnits: true, 33);
        Assert.Equal(first.Gradient, second.Gradient);
        Assert.Equal(first.Criterion, second.Criterion);
    }

    [Theory]
    [InlineData(0)]  // held by the calling thread's worker
    [InlineData(39)] // held by a pool thread's
    public async Task A_worker_that_fails_fails_the_step_with_its_own_error(int badExample)
    {
        var shape = new NetworkShape([30, 40, 37, 5], OutputHead.Softmax);
        var good = TinyData.Classification(40, 30, 5, seed: 31);
        var labels = (int[])good.Labels!.Clone();
        labels[badExample] = 9; // no such class: the softmax head of the worker that holds it throws
        var bad = new ExampleSet(good.X, good.Count, good.Inputs, labels, null, good.Outputs);
        var theta = TinyData.RandomParameters(shape, seed: 32, scale: 0.3);
        using var pool = new WorkerPool(2);
        var minibatch = new TrainingStep(shape, new DeterministicBackprop(), pool, 40, 1, 5, 0.4f);
        var order = Enumerable.Range(0, 40).ToArray();
        var step = Task.Run(() => minibatch.Compute(theta, bad, order, 0, 40, 0));
        // a deadlock guard, not a speed limit: the step takes milliseconds
        Assert.Same(step, await Task.WhenAny(step, Task.Delay(TimeSpan.FromMinutes(10))));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => step);
        Assert.IsType<ArgumentException>(error); // the softmax head's, not the other worker's release from the barrier
        // the pool and the step work again afterwards
        minibatch.Compute(theta, good, order, 0, 40, 0);
        Assert.True(minibatch.GradientIsFinite);
    }
}
