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
    protected RandomStreamReference reference = null!;

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
        KernelIsa.Current = KernelIsa.Best;
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
