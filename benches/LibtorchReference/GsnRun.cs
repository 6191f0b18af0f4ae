using System.Diagnostics;
using System.Text.Json;
using SimdSfnn.IO.Data;
using TorchSharp;

/// `run --task gsn`: the GSN-2 walkback step (Gsn.cs) on MNIST's train[0:50000], as `sfnn train
/// --task gsn` trains it, timed as `sfnn bench --task gsn` times its step (warm-up steps, then
/// `--rounds` rounds of `--steps` steps, the median round) or, with `--epochs N`, per epoch
/// (the median of the epochs after the first). Wall and process CPU seconds both: the machine
/// is shared, and wall time also counts the time the threads waited for a core.
static class GsnRun
{
    const int TrainImages = 50_000;

    public static void Run(ReferenceOptions options, Dataset mnist)
    {
        var images = mnist.TrainImages;
        int pixels = images.Rows * images.Columns, count = Math.Min(TrainImages, images.Count), batch = options.Batch;
        var x = torch.tensor(images.Pixels.Span[..(count * pixels)].ToArray().Select(b => b / 255f).ToArray()).view(count, pixels);
        var net = new Gsn([pixels, 1500, 1500]);
        int stepsPerEpoch = count / batch;
        using var process = Process.GetCurrentProcess();
        var order = torch.randperm(count);
        int cursor = 0;
        double lastLoss = double.NaN;
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            if (cursor + batch > count)
            {
                order.Dispose();
                order = torch.randperm(count).DetachFromDisposeScope();
                cursor = 0;
            }
            lastLoss = net.Step(x.index_select(0, order.narrow(0, cursor, batch)), options.LearningRate);
            cursor += batch;
        }
        (double Wall, double Cpu) Time(int steps)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) Step();
            double wall = clock.Elapsed.TotalSeconds;
            process.Refresh();
            return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
        }

        var perStep = new List<double>();
        var cpuPerStep = new List<double>();
        string unit;
        if (options.EpochsGiven)
        {
            unit = "epoch";
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                cursor = count; // a fresh permutation per epoch
                var (wall, cpu) = Time(stepsPerEpoch);
                (perStep, cpuPerStep) = ([.. perStep, wall / stepsPerEpoch], [.. cpuPerStep, cpu / stepsPerEpoch]);
                Console.Error.WriteLine($"epoch {epoch + 1}/{options.Epochs}  loss {lastLoss:F4}  {wall:F2} s ({cpu:F2} CPU s)");
            }
            if (perStep.Count > 1) (perStep, cpuPerStep) = (perStep[1..], cpuPerStep[1..]); // the first carries the warm-up
        }
        else
        {
            unit = "round";
            Time(Math.Max(5, options.Steps / 4));
            for (int round = 0; round < options.Rounds; round++)
            {
                var (wall, cpu) = Time(options.Steps);
                perStep.Add(wall / options.Steps);
                cpuPerStep.Add(cpu / options.Steps);
                Console.Error.WriteLine($"round {round + 1}/{options.Rounds}  {perStep[^1] * 1e3:F1} ms/step ({cpuPerStep[^1] * 1e3:F1} CPU ms)  loss {lastLoss:F4}");
            }
        }
        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        double secondsPerStep = Median(perStep), cpuSecondsPerStep = Median(cpuPerStep);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            reference = $"libtorch {torch.__version__}", task = "gsn", sizes = $"{pixels}-1500-1500", walkback = 4, batch, threads = torch.get_num_threads(),
            timedBy = unit, secondsPerStep, cpuSecondsPerStep,
            secondsPerEpoch = secondsPerStep * TrainImages / batch, cpuSecondsPerEpoch = cpuSecondsPerStep * TrainImages / batch,
            examplesPerSecond = batch / secondsPerStep, stepSeconds = perStep, cpuStepSeconds = cpuPerStep, loss = lastLoss,
        }));
    }
}
