using System.Diagnostics;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Engine;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// The training loop, top to bottom: shuffle, minibatch gradients, momentum steps, a quick
/// test-set look and a checkpoint after every epoch, a full evaluation at the end.
public sealed class Trainer(RunSettings settings, TaskData data, string outDir, Progress progress)
{
    /// Samples used for the per-epoch look at the test set (the final evaluation uses `EvalSamples`).
    public int MonitorSamples { get; init; } = 10;
    public int EvalSamples { get; init; } = 100;
    public bool Resume { get; init; }
    /// Set (by Ctrl-C) to stop after the current step with a checkpoint.
    public CancellationToken Cancel { get; init; }

    public TrainResult Run()
    {
        var shape = data.Shape(settings.Layers);
        int N = data.Train.Count, B = Math.Min(settings.Batch, N);
        int stepsPerEpoch = (N + B - 1) / B;
        var theta = new Parameters(shape);
        theta.InitializeGlorot(settings.Seed);
        var optimizer = new MomentumSgd(theta);
        int firstEpoch = 0;
        string checkpointPath = Path.Combine(outDir, Checkpoint.FileName);
        if (Resume) firstEpoch = Restore(checkpointPath, theta, optimizer);

        using var pool = new WorkerPool(settings.Threads);
        var estimator = EstimatorRegistry.Create(settings.Estimator, settings.Layers, (float?)settings.C);
        var minibatch = new MinibatchGradient(shape, estimator, pool, B, settings.Samples, settings.Seed, (float)settings.InputNoise);
        var schedule = new LearningRateSchedule((float)settings.LearningRate, settings.Epochs, stepsPerEpoch);
        var evaluation = new Evaluation(shape, pool, Math.Max(EvalSamples, MonitorSamples));
        var order = new int[N];
        using var log = new RunLog(Path.Combine(outDir, "log.jsonl"), append: Resume);
        double trainSeconds = 0;
        int epochsRun = 0;

        for (int epoch = firstEpoch; epoch < settings.Epochs; epoch++)
        {
            Shuffle(order, settings.Seed, epoch);
            var clock = Stopwatch.StartNew();
            double criterion = 0;
            for (int step = 0; step < stepsPerEpoch; step++)
            {
                int start = step * B, count = Math.Min(B, N - start);
                double batchCriterion = minibatch.Compute(theta, data.Train, order, start, count, epoch);
                if (!double.IsFinite(batchCriterion))
                    throw new DivergedException($"training diverged: the criterion is {batchCriterion} at epoch {epoch + 1}, step {step + 1}; the last good checkpoint is kept");
                criterion += batchCriterion;
                optimizer.Step(minibatch.Gradient.Data, schedule.At((long)epoch * stepsPerEpoch + step));
                progress.Step(epoch, settings.Epochs, step + 1, stepsPerEpoch, clock.Elapsed.TotalSeconds);
                if (Cancel.IsCancellationRequested) break;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            if (Cancel.IsCancellationRequested)
            {
                progress.Message($"interrupted during epoch {epoch + 1}; the checkpoint of epoch {epoch} is kept in {checkpointPath}");
                break;
            }
            if (!AllFinite(theta.Data))
                throw new DivergedException($"training diverged: a weight is not finite after epoch {epoch + 1}; the last good checkpoint is kept");
            trainSeconds += seconds;
            epochsRun++;

            var look = evaluation.Run(theta, data.Test, MonitorSamples, estimator.SamplesHidden, settings.Seed);
            var record = new EpochRecord(epoch + 1, criterion / N, look.TestError, look.TestLogLikelihood, look.Samples,
                                         schedule.At((long)(epoch + 1) * stepsPerEpoch - 1), seconds, N / seconds);
            log.Write(record);
            new Checkpoint(settings, theta, optimizer.Velocity, epoch + 1).Save(checkpointPath);
            progress.Epoch(record, settings.Epochs, (settings.Epochs - epoch - 1) * (trainSeconds / epochsRun));
        }

        var final = evaluation.Run(theta, data.Test, EvalSamples, sampled: true, settings.Seed);
        EvaluationResult? deterministic = estimator.SamplesHidden ? null
            : evaluation.Run(theta, data.Test, 1, sampled: false, settings.Seed);
        return new TrainResult(final, deterministic, epochsRun == 0 ? double.NaN : trainSeconds / epochsRun, checkpointPath);
    }

    static int Restore(string path, Parameters theta, MomentumSgd optimizer)
    {
        var checkpoint = Checkpoint.Load(path);
        if (!checkpoint.Theta.Shape.Sizes.SequenceEqual(theta.Shape.Sizes))
            throw new BadInputException($"{path}: the checkpoint's network {checkpoint.Theta.Shape} differs from this run's {theta.Shape}");
        theta.CopyFrom(checkpoint.Theta);
        checkpoint.Velocity?.CopyTo(optimizer.Velocity, 0);
        return checkpoint.EpochsDone;
    }

    /// Fisher-Yates with a SplitMix64 stream keyed by (seed, epoch): the same order on every machine.
    static void Shuffle(int[] order, ulong seed, int epoch)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        ulong state = seed * 0x9E3779B97F4A7C15UL ^ ((ulong)epoch + 1) * 0xD1B54A32D192ED03UL;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(SplitMix64(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values) if (!float.IsFinite(v)) return false;
        return true;
    }
}

/// `Final` is the stochastic test at `M = EvalSamples`; `Deterministic` the `h = s` test of a
/// deterministic net (null for stochastic estimators).
public sealed record TrainResult(EvaluationResult Final, EvaluationResult? Deterministic, double SecondsPerEpoch, string CheckpointPath);

public sealed class DivergedException(string message) : Exception(message);
