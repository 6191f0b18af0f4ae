// The sampling kernels, each vector path beside its scalar Reference (the baseline), at one
// aligned length and one odd length (6*512+7) so the tails are in the time.
using BenchmarkDotNet.Attributes;
using SimdSfnn.Tensors;

namespace SimdSfnn.Benches;

public abstract class KernelBench
{
    [Params(1024, 6 * 512 + 7)]
    public int N;

    protected float[] a = [], b = [], destination = [];
    protected RandomStream stream;
    private protected RandomStreamReference reference = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        a = new float[N];
        b = new float[N];
        destination = new float[N];
        for (int i = 0; i < N; i++)
        {
            a[i] = (float)(random.NextDouble() * 8 - 4);
            b[i] = (float)random.NextDouble();
        }
        stream = RandomStream.Create(1, 2);
        reference = new RandomStreamReference(1, 2);
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
    }
}

public class UniformKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => reference.NextUniform(destination);
    [Benchmark] public void NextUniform() => stream.NextUniform(destination);
}

public class GaussianKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => Gaussian.AddNoiseReference(a, 0.4f, reference, destination);
    [Benchmark] public void AddNoise() => Gaussian.AddNoise(a, 0.4f, ref stream, destination);
}

/// `h = u < p`; the Reference draws its uniforms into a fresh array, the kernel in registers.
public class BernoulliSampleKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => BernoulliSample.SampleRowsReference(b, b.Length, reference, destination, 1, b.Length);
    [Benchmark] public void Sample() => BernoulliSample.Sample(b, ref stream, destination);
}

public class SigmoidBernoulliKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => SigmoidBernoulli.SampleRowsReference(a, reference, b, destination, 1, a.Length);
    [Benchmark] public void Sample() => SigmoidBernoulli.SampleRows(a, ref stream, b, destination, 1, a.Length);
}

public class SigmoidKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => Sigmoid.Reference(a, destination);
    [Benchmark] public void Compute() => Sigmoid.Compute(a, destination);
}

public class SigmoidSlopeKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => SigmoidSlope.Reference(b, a, destination);
    [Benchmark] public void Multiply() => SigmoidSlope.Multiply(b, a, destination);
}

/// Over the M log-weights of one example; `N` here is M.
public class LogSumExpKernel : KernelBench
{
    [Benchmark(Baseline = true)] public float Reference() => LogSumExp.Reference(a);
    [Benchmark] public float Compute() => LogSumExp.Compute(a);
}

/// `wbar = softmax(log w)` over the M samples of one example.
public class WbarKernel : KernelBench
{
    [Benchmark(Baseline = true)] public void Reference() => Softmax.Reference(a, destination);
    [Benchmark] public void Compute() => Softmax.Compute(a, destination);
}

/// Lists where a 0/1 matrix is 1: (1000, 200) at density 1/2, a shard's first hidden layer.
public class NonzeroListsKernel
{
    readonly float[] h = new float[1000 * 200];
    readonly NonzeroLists lists = new(1000, 200);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        for (int i = 0; i < h.Length; i++) h[i] = random.Next(2);
    }

    [Benchmark(Baseline = true)] public void Reference() => lists.BuildReference(h, 1000, 200);
    [Benchmark] public void Build() => lists.Build(h, 1000, 200);
    [Benchmark] public void BuildAndListColumns() { lists.Build(h, 1000, 200); lists.ListColumns(); }
}

/// Where one shard's first hidden layer (1000 rows of 200, 20 rows per example) differs from its
/// example's rounded probabilities, at the 0.19 of MNIST training, and that shard's second-layer
/// products from them: the gather a += (h - r) W^T and the scatter G^T += (h - r)^T d.
public class DifferenceKernels
{
    const int R = 1000, n = 200, M = 20;
    readonly float[] h = new float[R * n], reference = new float[R / M * n];
    readonly float[] wT = new float[n * n], a = new float[R * n], d = new float[R * n], gT = new float[n * n];
    readonly DifferenceLists lists = new(R, n);

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var random = new Random(4);
        for (int i = 0; i < reference.Length; i++) reference[i] = random.Next(2);
        for (int r = 0; r < R; r++)
            for (int j = 0; j < n; j++)
            {
                float expected = reference[r / M * n + j];
                h[r * n + j] = random.NextDouble() < 0.19 ? 1 - expected : expected;
            }
        for (int i = 0; i < wT.Length; i++) wT[i] = (float)random.NextDouble();
        for (int i = 0; i < d.Length; i++) d[i] = (float)random.NextDouble();
        lists.Build(h, reference, R, n, M);
    }

    [Benchmark(Baseline = true)] public void BuildReference() => lists.BuildReference(h, reference, R, n, M);
    [Benchmark] public void Build() => lists.Build(h, reference, R, n, M);

    [Benchmark] public void GatherReference() =>
        SignedRowSum.SumReference(lists.PlusIndex, lists.RowStart, lists.RowPlusEnd, lists.MinusIndex, lists.RowStart, lists.RowMinusEnd, wT, n, a, n, n);
    [Benchmark] public void Gather() => SignedRowSum.Sum(lists, wT, n, a, n, n);

    [Benchmark] public void ScatterReference() =>
        SignedRowSum.ScatterReference(lists.PlusIndex, lists.RowStart, lists.RowPlusEnd, lists.MinusIndex, lists.RowStart, lists.RowMinusEnd, d, n, gT, n, n);
    [Benchmark] public void Scatter() => SignedRowSum.Scatter(lists, d, n, gT, n, n);
}

/// The momentum update over the 784-200-200-10 net's 199 210 parameters.
public class MomentumKernel
{
    readonly float[] theta = new float[199_210], velocity = new float[199_210], gradient = new float[199_210];

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var random = new Random(5);
        for (int i = 0; i < gradient.Length; i++) gradient[i] = (float)(random.NextDouble() - 0.5);
    }

    [Benchmark(Baseline = true)] public bool Reference() => MomentumUpdate.Reference(theta, velocity, gradient, 0.9f, 1e-6f, out _);
    [Benchmark] public bool Apply() => MomentumUpdate.Apply(theta, velocity, gradient, 0.9f, 1e-6f, out _);
}

/// The two shards' gradient sums of the 784-200-200-10 net, scaled to the minibatch mean.
public class ScaledSumKernel
{
    readonly float[] a = new float[199_210], b = new float[199_210], total = new float[199_210];

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var random = new Random(5);
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = ((float)(random.NextDouble() - 0.5), (float)(random.NextDouble() - 0.5));
    }

    [Benchmark(Baseline = true)] public bool Reference() => ScaledSum.Reference(a, b, 0.01f, total);
    [Benchmark] public bool Apply() => ScaledSum.Apply(a, b, 0.01f, total);
}

/// The classifier's output head for one shard: softmax and log P(label) of 1000 rows of 10 logits.
public class SoftmaxRowsKernel
{
    const int Rows = 1000, Classes = 10;
    readonly float[] o = new float[Rows * Classes], p = new float[Rows * Classes], logLabel = new float[Rows];
    readonly int[] labels = new int[Rows / 20];

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var random = new Random(6);
        for (int i = 0; i < o.Length; i++) o[i] = (float)(random.NextDouble() * 10 - 5);
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(Classes);
    }

    [Benchmark(Baseline = true)] public void Reference() => SoftmaxRows.Reference(o, Rows, Classes, labels, 20, p, logLabel);
    [Benchmark] public void Compute() => SoftmaxRows.Compute(o, Rows, Classes, labels, 20, p, logLabel);
}
