using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Gsn;
using SimdSfnn.Nn.Workers;

namespace SimdSfnn.Cli.Gsn;

/// `sfnn train --task gsn`: walkback training of a GSN (Bengio et al. 2014, section 7), with no
/// other option the paper's GSN-2 on MNIST. A line per epoch on stderr with the walkback loss on
/// the training and held-out examples, a checkpoint after every epoch, and one JSON line on
/// stdout at the end. `--stop-after N` ends after epoch N and its checkpoint; Ctrl-C (or
/// SIGTERM) ends after the current step with a checkpoint of it (exit 130); `--resume`
/// continues from the checkpoint, bit for bit.
internal static class GsnTrainCommand
{
    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var settings = GsnRunSettings.FromOptions(r);
        bool resume = r.GetValue(SfnnOptions.Resume);
        string? outDir = r.GetValue(SfnnOptions.Out);
        int stopAfter = Commands.TrainCommand.StopAfter(r, settings.Epochs);
        if (resume && outDir is null) throw new BadInputException("option --resume needs --out, the run to continue");
        string? checkpointPath = outDir is null ? null : Path.Combine(outDir, GsnCheckpoint.FileName);
        GsnCheckpoint? saved = resume ? GsnCheckpoint.Load(checkpointPath!) : null;
        if (saved is not null && !saved.Settings.SameRun(settings))
            throw new BadInputException($"--resume: the options differ from the run in {outDir}; resume with the same options");
        if (saved is null && checkpointPath is not null && File.Exists(checkpointPath))
            throw new BadInputException($"--out {outDir} already holds a run's checkpoint; continue it with --resume or choose another --out");

        var progress = Progress.ForStandardError();
        var data = GsnData.Load(CommonOptions.LoadData(r, progress), settings.TrainLimit, settings.HeldOutLimit);
        if (saved is not null && !saved.DataSha256.SequenceEqual(data.DataSha256))
            throw new BadInputException($"--resume: the run in {outDir} was trained on other data (the SHA-256 of its IDX files differ from --data's); resume it with the same data");
        if (settings.Batch > data.Train.Count)
            throw new BadInputException($"option --batch {settings.Batch} is larger than the {data.Train.Count} training examples");
        var shape = settings.Shape(data.Train.Inputs);

        outDir ??= Path.Combine("runs", $"gsn-{shape}-{DateTime.Now:yyyyMMdd-HHmmss}");
        checkpointPath ??= Path.Combine(outDir, GsnCheckpoint.FileName);
        bool created = !Directory.Exists(outDir);
        Directory.CreateDirectory(outDir);
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"training gsn {shape}, walkback {settings.Walkback}, hidden noise {settings.HiddenNoise}, salt-and-pepper {settings.InputNoise}, " +
            $"lr {settings.LearningRate} x {settings.Decay}/epoch, momentum {settings.Momentum}, {settings.Epochs} epochs on {data.Train.Count} examples " +
            $"({data.HeldOut.Count} held out), {settings.Threads} threads; writing to {outDir}"));
        using var interruption = new Interruption();
        try
        {
            var summary = Train(settings, shape, data, saved, checkpointPath, stopAfter, progress, interruption.Token);
            if (summary is null) return Interruption.ExitCode;
            Console.WriteLine(summary);
            return 0;
        }
        catch when (created && !File.Exists(checkpointPath))
        {
            Directory.Delete(outDir, recursive: true);
            throw;
        }
    }

    /// The summary line, or null when Ctrl-C (or SIGTERM) stopped the run with a checkpoint.
    static string? Train(GsnRunSettings settings, GsnShape shape, GsnData data, GsnCheckpoint? saved, string checkpointPath, int stopAfter,
                         Progress progress, CancellationToken cancel)
    {
        var pause = PausePoint.FromEnvironment(progress, cancel);
        var theta = saved?.Theta ?? new GsnParameters(shape);
        if (saved is null) theta.Initialize(settings.Seed);
        using var pool = new WorkerPool(settings.Threads);
        var step = new GsnStep(shape, settings.Chain, pool, settings.Batch, settings.Seed, (float)settings.Momentum);
        saved?.Velocity.CopyTo(step.Velocity, 0);
        var trainLoss = new List<double>(saved?.TrainLoss ?? []);
        var heldOutLoss = new List<double>(saved?.HeldOutLoss ?? []);
        var order = new int[data.Train.Count];
        double seconds = 0;
        int timed = 0;
        for (int epoch = saved?.EpochsDone ?? 0; epoch < stopAfter; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Trainer.Shuffle(order, settings.Seed, epoch);
            float rate = settings.RateAt(epoch);
            bool resumed = saved is not null && epoch == saved.EpochsDone;
            double sum = resumed ? saved!.EpochLossSum : 0;
            int steps = (order.Length + settings.Batch - 1) / settings.Batch;
            for (int start = resumed ? saved!.StepsDone * settings.Batch : 0; start < order.Length; start += settings.Batch)
            {
                int count = Math.Min(settings.Batch, order.Length - start);
                sum += step.ComputeAndStep(theta, data.Train, order, start, count, epoch, rate);
                if (!step.Finite)
                    throw new DivergedException($"training diverged at epoch {epoch + 1}, step {start / settings.Batch + 1}; " +
                                                $"{(File.Exists(checkpointPath) ? $"the last good checkpoint {checkpointPath} is kept" : "no checkpoint had been written yet")}; try a smaller --lr (now {settings.LearningRate.ToString(CultureInfo.InvariantCulture)})");
                int done = start / settings.Batch + 1;
                progress.Step(epoch, settings.Epochs, done, steps, clock.Elapsed.TotalSeconds);
                pause.At("step", epoch + 1, done);
                if (cancel.IsCancellationRequested && done < steps)
                {
                    new GsnCheckpoint(settings, theta, step.Velocity, epoch, [.. trainLoss], [.. heldOutLoss], data.DataSha256)
                    {
                        StepsDone = done, EpochLossSum = sum,
                    }.Save(checkpointPath);
                    progress.Message($"interrupted: epoch {epoch + 1}, step {done} of {steps} is saved in {checkpointPath}; continue with --resume");
                    return null;
                }
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            trainLoss.Add(sum / order.Length);
            // the same streams every epoch, so the held-out curve moves only with the parameters
            heldOutLoss.Add(data.HeldOut.Count == 0 ? double.NaN
                : step.Evaluate(theta, data.HeldOut, 0, data.HeldOut.Count, i => StreamId.Evaluation(i)) / data.HeldOut.Count);
            new GsnCheckpoint(settings, theta, step.Velocity, epoch + 1, [.. trainLoss], [.. heldOutLoss], data.DataSha256).Save(checkpointPath);
            seconds += trainSeconds;
            timed++;
            progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{settings.Epochs}  walkback loss {trainLoss[^1]:F5}  held-out {heldOutLoss[^1]:F5}  lr {rate:G4}  " +
                $"{order.Length / trainSeconds:F0} ex/s  {trainSeconds:F2} s train  {clock.Elapsed.TotalSeconds:F2} s"));
            pause.At("epoch", epoch + 1);
            if (cancel.IsCancellationRequested && epoch + 1 < settings.Epochs)
            {
                progress.Message($"interrupted: epoch {epoch + 1} is saved in {checkpointPath}; continue with --resume");
                return null;
            }
        }
        var summary = new JsonObject
        {
            ["task"] = "gsn",
            ["sizes"] = shape.ToString(),
            ["walkback"] = settings.Walkback,
            ["epochs"] = settings.Epochs,
            ["epochsDone"] = trainLoss.Count,
            // per epoch: the walkback loss, sum over the T reconstructions of the per-pixel mean
            // cross-entropy against the clean x, mean over the examples
            ["trainLoss"] = new JsonArray([.. trainLoss.Select(v => JsonLine.Number(v))]),
            ["heldOutLoss"] = new JsonArray([.. heldOutLoss.Select(v => JsonLine.Number(v))]),
            ["secondsPerEpoch"] = timed == 0 ? null : JsonLine.Number(seconds / timed),
            ["checkpoint"] = checkpointPath,
        };
        return JsonLine.Write(summary);
    }
}
