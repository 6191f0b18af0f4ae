using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Nn.Gated;
using SimdSfnn.Nn.Workers;

namespace SimdSfnn.Cli.Gated;

/// `sfnn train --task gated --gater st|noisy-relu|sts`: the conditional-computation classifier of
/// 1308.3432 section 5 (units.md, "The conditional-computation experiment"): SGD (lr 0.3,
/// noisy-relu 0.2, times `--decay` after each epoch), minibatch 32, max-norm 2, on
/// train[0:50000]. After every epoch the test-time threshold is tuned on train[50000:60000] so
/// that 10% of the gates are on, and the held-out error is measured with it; a line per epoch on
/// stderr (loss, fraction of gates on in training, held-out error), and one JSON line on stdout
/// at the end with the test error, the test-time fraction of gates on (`sparsity`) and the
/// threshold. Each epoch appends a line to `<out>/log.jsonl`.
internal static class GatedTrainCommand
{
    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var gater = GatedOptions.Gater(r);
        var settings = GatedOptions.Settings(r, gater);
        bool binaryGates = GatedOptions.BinaryTestGates(r, gater);
        var schedule = GatedOptions.Schedule(r, gater);
        var (lr, decay) = (schedule.Initial, schedule.Decay);
        int epochs = GatedOptions.Epochs(r, gater);
        int batch = OptionKinds.AtMost(SfnnOptions.Batch, r.GetValue(SfnnOptions.Batch) ?? 32, 100_000);
        ulong seed = r.GetValue(SfnnOptions.Seed) ?? 1;
        int threads = CommonOptions.ThreadCount(r);
        int trainLimit = r.GetValue(SfnnOptions.TrainLimit) ?? 0;
        string? outDir = r.GetValue(SfnnOptions.Out);

        var progress = Progress.ForStandardError();
        var data = GatedData.Load(CommonOptions.LoadData(r, progress), trainLimit);
        if (batch > data.Train.Count) throw new BadInputException($"option --batch {batch} is larger than the {data.Train.Count} training examples");
        var shape = GatedOptions.Shape(r, data.Train.Inputs, data.Classes);
        if (shape.ParameterCount > 1L << 28) throw new BadInputException($"the gated net {shape} has {shape.ParameterCount} parameters; at most {1L << 28} are supported");

        outDir ??= Path.Combine("runs", $"gated-{gater.Name}-{DateTime.Now:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(outDir);
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"training gated {shape} with the {gater.Name} gater, lr {lr}{(settings.GaterRateScale != 1 ? $" (gater {lr * settings.GaterRateScale:G4})" : "")}{(decay < 1 ? $" x {decay} per epoch" : "")}, momentum {settings.Momentum}, batch {batch}, max-norm {settings.MaxNorm}{(settings.WeightDecay > 0 ? $", weight decay {settings.WeightDecay}" : "")}, " +
            $"{epochs} epochs on {data.Train.Count} examples ({data.HeldOut.Count} held out), {threads} threads; writing to {outDir}"));

        var theta = new GatedParameters(shape);
        theta.Initialize(seed, gater.InitialBias);
        using var pool = new WorkerPool(threads);
        var step = new GatedStep(shape, gater, pool, batch, seed, settings);
        var order = new int[data.Train.Count];
        var values = new float[Math.Min(data.HeldOut.Count, 10_000) * shape.Gates];
        float threshold = 0;
        double seconds = 0;
        using var log = new StreamWriter(Path.Combine(outDir, "log.jsonl"), append: false);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Trainer.Shuffle(order, seed, epoch);
            float rate = schedule.At(epoch);
            double loss = 0, on = 0;
            int steps = 0;
            for (int start = 0; start < order.Length; start += batch)
            {
                int count = Math.Min(batch, order.Length - start);
                loss += step.ComputeAndStep(theta, data.Train, order, start, count, epoch, rate);
                on += step.FractionOn;
                steps++;
                if (!step.Finite) throw new DivergedException($"training diverged at epoch {epoch + 1}, step {steps}; try a smaller --lr (now {lr.ToString(CultureInfo.InvariantCulture)})");
                progress.Step(epoch, epochs, steps, (order.Length + batch - 1) / batch, clock.Elapsed.TotalSeconds);
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            seconds += trainSeconds;
            threshold = GatedThreshold.Tune(step, theta, data.HeldOut, values);
            // both test rules on the held-out set, so that the rule can be chosen there
            double heldOutBinary = Error(step, theta, data.HeldOut, threshold, binary: true);
            double heldOutMean = Error(step, theta, data.HeldOut, threshold, binary: false);
            double heldOutError = binaryGates ? heldOutBinary : heldOutMean;
            double heldOutOn = step.FractionOn;
            var line = new JsonObject
            {
                ["epoch"] = epoch + 1,
                ["loss"] = JsonLine.Number(loss / order.Length),
                ["lr"] = JsonLine.Number(rate, 8),
                ["trainGatesOn"] = JsonLine.Number(on / steps),
                ["heldOutError"] = JsonLine.Number(heldOutError),
                ["heldOutErrorMeanGates"] = JsonLine.Number(heldOutMean),
                ["heldOutErrorBinaryGates"] = JsonLine.Number(heldOutBinary),
                ["heldOutGatesOn"] = JsonLine.Number(heldOutOn),
                ["threshold"] = threshold, // the float itself: relu's can be float.Epsilon, which 8 decimals would print as 0
                ["l1Weight"] = gater.KlPenalty ? null : JsonLine.Number(step.L1Weight, 8),
                ["seconds"] = JsonLine.Number(trainSeconds, 3),
            };
            log.WriteLine(JsonLine.Write(line));
            log.Flush();
            progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{epochs}  loss {loss / order.Length:F4}  gates on {100 * on / steps:F1}%  held-out error {100 * heldOutError:F2}% " +
                $"({100 * heldOutOn:F1}% on, threshold {threshold:G4})  {order.Length / trainSeconds:F0} ex/s  {trainSeconds:F1} s"));
        }
        double binaryError = Error(step, theta, data.Test, threshold, binary: true);
        double meanError = Error(step, theta, data.Test, threshold, binary: false);
        var summary = new JsonObject
        {
            ["task"] = "gated",
            ["gater"] = gater.Name,
            ["sizes"] = shape.ToString(),
            ["epochs"] = epochs,
            ["lr"] = lr,
            ["gaterLr"] = JsonLine.Number(lr * settings.GaterRateScale, 8),
            ["decay"] = decay,
            ["momentum"] = JsonLine.Number(settings.Momentum),
            ["batch"] = batch,
            ["maxNorm"] = JsonLine.Number(settings.MaxNorm),
            ["weightDecay"] = JsonLine.Number(settings.WeightDecay),
            ["testGates"] = binaryGates ? "binary" : "mean",
            ["testError"] = JsonLine.Number(binaryGates ? binaryError : meanError),
            ["sparsity"] = JsonLine.Number(step.FractionOn),
            ["threshold"] = threshold, // the float itself: relu's can be float.Epsilon, which 8 decimals would print as 0
            ["testErrorMeanGates"] = JsonLine.Number(meanError),
            ["testErrorBinaryGates"] = JsonLine.Number(binaryError),
            ["secondsPerEpoch"] = JsonLine.Number(seconds / epochs),
            ["log"] = Path.Combine(outDir, "log.jsonl"),
        };
        Console.WriteLine(JsonLine.Write(summary));
        return 0;
    }

    /// The error of the deterministic net on `set` with the gates below `threshold` off and the
    /// others at `E[h | a]` or, `binary`, at 1 (`--test-gates`).
    static double Error(GatedStep step, GatedParameters theta, Nn.ExampleSet set, float threshold, bool binary)
    {
        step.BinaryTestGates = binary;
        return 1 - step.Evaluate(theta, set, 0, set.Count, threshold) / (double)set.Count;
    }
}
