using System.CommandLine;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Commands;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Gsn;
using SimdSfnn.Nn.Workers;

namespace SimdSfnn.Cli.Gsn;

/// `sfnn bench --task gsn`: times the GSN's walkback training step (`GsnStep`: the unrolled
/// chain forward and backward, then the averaged momentum update) as `sfnn bench` times the
/// classifier's, on synthetic images of MNIST's size, so it needs no data set. The model's
/// options and defaults are `train --task gsn`'s (GSN-2, 784-1500-1500, walkback 4); one step
/// there is about 13 GFLOP, so the default is 20 timed steps a round, not the classifier's 100.
internal static class GsnBenchCommand
{
    const int Pixels = 784;

    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var settings = GsnRunSettings.StepFromOptions(r);
        // the GSN trains on the first five sixths of MNIST's 60000 training images
        var (steps, rounds, epochSize) = StepTiming.Options(r, steps: 20, epochSize: 50_000);

        var shape = settings.Shape(Pixels);
        int batch = settings.Batch;
        var data = SyntheticImages(Math.Max(batch * 4, 1000));
        var theta = new GsnParameters(shape);
        theta.Initialize(settings.Seed);
        using var pool = new WorkerPool(settings.Threads);
        var step = new GsnStep(shape, settings.Chain, pool, batch, settings.Seed, (float)settings.Momentum);
        var order = Enumerable.Range(0, data.Count).ToArray();
        float rate = settings.RateAt(0);
        int cursor = 0;
        void Step()
        {
            if (cursor + batch > data.Count) cursor = 0;
            step.ComputeAndStep(theta, data, order, cursor, batch, 0, rate);
            cursor += batch;
        }
        var timing = StepTiming.Measure(pool, Step, steps, rounds);
        var o = new JsonObject
        {
            ["task"] = "gsn",
            ["sizes"] = shape.ToString(),
            ["walkback"] = settings.Walkback,
            ["batch"] = batch,
        };
        timing.Report($"gsn {shape} walkback {settings.Walkback} batch {batch}", batch, epochSize,
                      GsnDenseFloor.FlopsPerStep(shape, settings.Walkback, batch), o);
        Console.WriteLine(JsonLine.Write(o));
        return 0;
    }

    /// Pixels in [0, 1], most of them 0 as in MNIST's digits; the step's time does not depend on
    /// the values, only the loss does.
    static ExampleSet SyntheticImages(int count)
    {
        var random = new Random(7);
        var x = new float[count * Pixels];
        for (int i = 0; i < x.Length; i++) x[i] = random.NextDouble() < 0.8 ? 0 : (float)random.NextDouble();
        return new ExampleSet(x, count, Pixels, null, null, 0);
    }
}
