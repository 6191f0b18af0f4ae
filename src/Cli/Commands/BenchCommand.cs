using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Gsn;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Options;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn bench`: times the training step (gradient and momentum update) on synthetic data of
/// the task's shape, so it needs no data set; prints the median of several timed rounds
/// (`StepTiming`). `--task gsn` times the GSN's walkback step instead (`GsnBenchCommand`).
internal static class BenchCommand
{
    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        switch (r.GetValue(SfnnOptions.Task))
        {
            case "gsn": // a model family of its own (issue 17)
                CommandTree.BenchGsn.RefuseOthers(r);
                return GsnBenchCommand.Run(r);
            case "gated": // conditional computation (issue 18)
                CommandTree.BenchGated.RefuseOthers(r);
                return Gated.GatedBenchCommand.Run(r);
        }
        CommandTree.BenchClassifier.RefuseOthers(r);
        var task = CommonOptions.Task(r);
        var estimatorKind = CommonOptions.Estimator(r);
        int samples = r.GetValue(SfnnOptions.Samples) ?? (estimatorKind == EstimatorKind.Deterministic ? 1 : 20);
        int[] layers = OptionKinds.WidthsOr(r, SfnnOptions.Layers, [200, 200]);
        var units = new Training.RunSettings { Estimator = estimatorKind, Layers = layers, Units = CommonOptions.UnitsFor(r, layers, estimatorKind) }.UnitKinds();
        int batch = OptionKinds.AtMost(SfnnOptions.Batch, r.GetValue(SfnnOptions.Batch) ?? 100, 100_000);
        int threads = CommonOptions.ThreadCount(r);
        var (steps, rounds, epochSize) = StepTiming.Options(r, steps: 100, epochSize: 60_000);
        bool phases = r.GetValue(SfnnOptions.Phases);

        bool classify = task == Training.TaskKind.Classify;
        int inputs = classify ? 784 : 392, outputs = classify ? 10 : 392;
        var shape = new NetworkShape([inputs, .. layers, outputs], classify ? OutputHead.Softmax : OutputHead.Bernoulli, units);
        var data = SyntheticData(shape, count: Math.Max(batch * 4, 1000));
        var theta = new Parameters(shape);
        theta.InitializeGlorot(1);
        var optimizer = new MomentumSgd(theta);
        using var pool = new WorkerPool(threads);
        var estimator = EstimatorRegistry.Create(estimatorKind, layers);
        var minibatch = new TrainingStep(shape, estimator, pool, batch, samples, 1, classify ? 0.4f : 0f);
        var order = Enumerable.Range(0, data.Count).ToArray();
        if (phases)
        {
            PrintPhases(shape, estimator, data, theta, (batch + threads - 1) / threads, minibatch.Samples, steps, rounds);
            return 0;
        }

        int cursor = 0;
        void Step()
        {
            if (cursor + batch > data.Count) cursor = 0;
            minibatch.ComputeAndStep(theta, data, order, cursor, batch, 0, optimizer, 1e-4f);
            cursor += batch;
        }
        var timing = StepTiming.Measure(pool, Step, steps, rounds);
        var o = new JsonObject
        {
            ["task"] = task.ToString().ToLowerInvariant(),
            ["estimator"] = estimator.Name,
            ["samples"] = minibatch.Samples,
            ["layers"] = string.Join(',', layers),
            ["units"] = shape.UnitNames,
            ["batch"] = batch,
        };
        timing.Report($"{task.ToString().ToLowerInvariant()} {shape} {estimator.Name} M={minibatch.Samples} batch {batch}", batch, epochSize,
                      DenseFloor.FlopsPerStep(shape, batch, minibatch.Samples), o);
        Console.WriteLine(JsonLine.Write(o));
        return 0;
    }

    /// One shard's pass (`examples` = batch / threads) on this thread, timed phase by phase:
    /// where a step's time goes. Prints the median over `rounds` of ms per pass for each phase.
    /// The weights are laid out once beforehand, as a step lays them out for all its passes.
    static void PrintPhases(NetworkShape shape, IGradientEstimator estimator, ExampleSet data, Parameters theta,
                            int examples, int samples, int passes, int rounds)
    {
        var pass = new NetworkPass(shape, examples, samples);
        var layouts = new WeightLayouts(shape, secondTransposed: samples > 1);
        layouts.Prepare(theta, 0, 1);
        var gradient = new Parameters(shape);
        var statistics = shape.Sizes[1..^1].Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        var labels = new int[examples];
        for (int e = 0; e < examples; e++)
        {
            data.Input(e).CopyTo(pass.Input(e));
            if (data.Labels is not null) labels[e] = data.Labels[e];
        }
        var targets = new float[data.Targets is null ? 0 : examples * shape.Outputs];
        if (data.Targets is not null) data.Targets.AsSpan(0, targets.Length).CopyTo(targets);
        void Pass(int n)
        {
            for (int i = 0; i < n; i++)
            {
                for (int e = 0; e < examples; e++) pass.Stream(e) = Tensors.RandomStream.Create(1, (ulong)(i * examples + e));
                pass.Forward(theta, examples, samples, estimator.SamplesHidden, labels, targets, layouts);
                pass.Backward(theta, estimator, gradient, labels, targets, statistics);
            }
        }
        Pass(Math.Max(10, passes / 5));
        var names = Enum.GetNames<PassPhase>();
        var perRound = new double[names.Length][];
        for (int p = 0; p < names.Length; p++) perRound[p] = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            pass.Phases = new PassPhases(ThreadCpu.Nanoseconds, 1_000_000_000);
            Pass(passes);
            for (int p = 0; p < names.Length; p++) perRound[p][r] = pass.Phases.Ticks[p] * 1e3 / pass.Phases.TicksPerSecond / passes;
        }
        var median = perRound.Select(times => times.Order().ElementAt(rounds / 2)).ToArray();
        double total = median.Sum();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{shape} {estimator.Name} M={samples}: one pass of {examples} examples on one thread, {total:F3} ms of thread CPU time (median of {rounds} x {passes})"));
        for (int p = 0; p < names.Length; p++)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {names[p],-22} {median[p],8:F3} ms {100 * median[p] / total,5:F1} %"));
    }

    /// Inputs around zero like centred MNIST pixels; labels or half-on binary targets.
    internal static ExampleSet SyntheticData(NetworkShape shape, int count)
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

/// This thread's CPU time (Linux `CLOCK_THREAD_CPUTIME_ID`), or the stopwatch elsewhere.
static unsafe class ThreadCpu
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, long* timespec);

    public static long Nanoseconds()
    {
        if (!OperatingSystem.IsLinux()) return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
        long* timespec = stackalloc long[2];
        if (ClockGetTime(3, timespec) != 0) return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
        return timespec[0] * 1_000_000_000 + timespec[1];
    }
}
