using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Engine;
using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Commands;

/// `sfnn bench`: times the training step (gradient and momentum update) on synthetic data of
/// the task's shape, so it needs no data set; prints the median of several timed rounds.
public static class BenchCommand
{
    public static int Run(string[] rest)
    {
        var args = new ArgumentReader(rest, []);
        var task = CommonOptions.Task(args);
        var estimatorKind = CommonOptions.Estimator(args);
        int samples = args.Int("samples", estimatorKind == EstimatorKind.Deterministic ? 1 : 20, 1, 100_000);
        int[] layers = args.IntList("layers", [200, 200]);
        int batch = args.Int("batch", 100, 1, 100_000);
        int threads = CommonOptions.Threads(args);
        int steps = args.Int("steps", 100, 1, 1_000_000);
        int rounds = args.Int("rounds", 5, 1, 1000);
        int epochSize = args.Int("epoch-size", 60_000, 1);
        args.RefuseUnknown(0);

        bool classify = task == Training.TaskKind.Classify;
        int inputs = classify ? 784 : 392, outputs = classify ? 10 : 392;
        var shape = new NetworkShape([inputs, .. layers, outputs], classify ? OutputHead.Softmax : OutputHead.Bernoulli);
        var data = SyntheticData(shape, count: Math.Max(batch * 4, 1000));
        var theta = new Parameters(shape);
        theta.InitializeGlorot(1);
        var optimizer = new MomentumSgd(theta);
        using var pool = new WorkerPool(threads);
        var estimator = EstimatorRegistry.Create(estimatorKind, layers);
        var minibatch = new MinibatchGradient(shape, estimator, pool, batch, samples, 1, classify ? 0.4f : 0f);
        var order = Enumerable.Range(0, data.Count).ToArray();

        int cursor = 0;
        void Step()
        {
            if (cursor + batch > data.Count) cursor = 0;
            minibatch.Compute(theta, data, order, cursor, batch, 0);
            optimizer.Step(minibatch.Gradient.Data, 1e-4f);
            cursor += batch;
        }
        for (int i = 0; i < Math.Max(10, steps / 5); i++) Step();
        var perStep = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) Step();
            perStep[r] = clock.Elapsed.TotalSeconds / steps;
        }
        Array.Sort(perStep);
        double median = perStep[rounds / 2];
        double examplesPerSecond = batch / median;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{task.ToString().ToLowerInvariant()} {shape} {estimator.Name} M={minibatch.Samples} batch {batch}, {threads} threads: " +
            $"{median * 1e3:F3} ms/step (median of {rounds} x {steps}), {examplesPerSecond:F0} examples/s, {epochSize / examplesPerSecond:F3} s per {epochSize}-example epoch"));
        Console.WriteLine(new JsonObject
        {
            ["task"] = task.ToString().ToLowerInvariant(),
            ["estimator"] = estimator.Name,
            ["samples"] = minibatch.Samples,
            ["layers"] = string.Join(',', layers),
            ["batch"] = batch,
            ["threads"] = threads,
            ["secondsPerStep"] = median,
            ["examplesPerSecond"] = Math.Round(examplesPerSecond, 1),
            ["secondsPerEpoch"] = Math.Round(epochSize / examplesPerSecond, 4),
        }.ToJsonString());
        return 0;
    }

    /// Inputs around zero like centred MNIST pixels; labels or half-on binary targets.
    static ExampleSet SyntheticData(NetworkShape shape, int count)
    {
        var random = new Random(7);
        var x = new float[count * shape.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() - 0.3);
        if (shape.Head == OutputHead.Softmax)
            return new ExampleSet(x, count, shape.Inputs, Enumerable.Range(0, count).Select(i => random.Next(shape.Outputs)).ToArray(), null, shape.Outputs);
        var y = new float[count * shape.Outputs];
        for (int i = 0; i < y.Length; i++) y[i] = random.Next(2);
        return new ExampleSet(x, count, shape.Inputs, null, y, shape.Outputs);
    }
}
