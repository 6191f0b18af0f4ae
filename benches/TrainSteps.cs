// Whole training steps (minibatch gradient on a worker pool, then the momentum update) on
// synthetic data of MNIST's shape, and a test-set evaluation, as `sfnn bench` runs them.
using BenchmarkDotNet.Attributes;
using SimdSfnn.Cli.Commands;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Benches;

public abstract class StepBench
{
    protected TrainingStep minibatch = null!;
    protected MomentumSgd optimizer = null!;
    protected Parameters theta = null!;
    protected ExampleSet data = null!;
    protected WorkerPool pool = null!;
    int[] order = [];
    int cursor;

    protected void Build(EstimatorKind kind, int samples, int threads, bool classify)
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        int inputs = classify ? 784 : 392, outputs = classify ? 10 : 392;
        var shape = new NetworkShape([inputs, 200, 200, outputs], classify ? OutputHead.Softmax : OutputHead.Bernoulli);
        data = BenchCommand.SyntheticData(shape, 1000);
        theta = new Parameters(shape);
        theta.InitializeGlorot(1);
        optimizer = new MomentumSgd(theta);
        pool = new WorkerPool(threads);
        minibatch = new TrainingStep(shape, EstimatorRegistry.Create(kind, shape.Sizes[1..^1]), pool, 100, samples, 1, classify ? 0.4f : 0f);
        order = Enumerable.Range(0, data.Count).ToArray();
    }

    protected void Step()
    {
        if (cursor + 100 > data.Count) cursor = 0;
        minibatch.ComputeAndStep(theta, data, order, cursor, 100, 0, optimizer, 1e-4f);
        cursor += 100;
    }

    [GlobalCleanup]
    public void Cleanup() => pool.Dispose();
}

/// One step of the 784-200-200-10 classifier for each estimator at M = 1 and M = 20 (the
/// deterministic net draws no samples, so only M = 1), 2 threads.
public class TrainStep : StepBench
{
    public readonly record struct Case(EstimatorKind Estimator, int M)
    {
        public override string ToString() => $"{Estimator} M={M}";
    }

    public static IEnumerable<Case> Cases() =>
        Enum.GetValues<EstimatorKind>().SelectMany(kind => kind == EstimatorKind.Deterministic
            ? new[] { new Case(kind, 1) } : [new Case(kind, 1), new Case(kind, 20)]);

    [ParamsSource(nameof(Cases))]
    public Case Estimator;

    [GlobalSetup]
    public void Setup() => Build(Estimator.Estimator, Estimator.M, 2, classify: true);

    [Benchmark] public void TrainStep_Classify() => Step();
}

/// The structured-output 392-200-200-392 net (Bernoulli head), G3, 2 threads.
public class TrainStepStructured : StepBench
{
    [Params(1, 20)]
    public int M;

    [GlobalSetup]
    public void Setup() => Build(EstimatorKind.G3, M, 2, classify: false);

    [Benchmark] public void TrainStep_Structured_G3() => Step();
}

/// G3 M=20 and the deterministic net on 1 and 2 threads: the scaling ratio.
public class TrainStepThreads : StepBench
{
    [Params(EstimatorKind.G3, EstimatorKind.Deterministic)]
    public EstimatorKind Kind;

    [Params(1, 2)]
    public int Threads;

    [GlobalSetup]
    public void Setup() => Build(Kind, 20, Threads, classify: true);

    [Benchmark] public void TrainStep_Threads() => Step(); // M = 20 for G3; the deterministic net draws none
}

/// Forward-only evaluation of 10000 examples with M = 100 samples each, 2 threads.
public class EvaluationStep
{
    TestSetEvaluation evaluation = null!;
    Parameters theta = null!;
    ExampleSet data = null!;
    WorkerPool pool = null!;

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var shape = new NetworkShape([784, 200, 200, 10], OutputHead.Softmax);
        data = BenchCommand.SyntheticData(shape, 10_000);
        theta = new Parameters(shape);
        theta.InitializeGlorot(1);
        pool = new WorkerPool(2);
        evaluation = new TestSetEvaluation(shape, pool, 100);
    }

    [Benchmark] public double Evaluate_M100_10000() => evaluation.Run(theta, data, 100, sampled: true, seed: 1).TestLogLikelihood;

    [GlobalCleanup]
    public void Cleanup() => pool.Dispose();
}
