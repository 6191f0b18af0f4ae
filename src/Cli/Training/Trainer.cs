using SimdSfnn.Cli.Pictures;
using System.Diagnostics;
using SimdSfnn.Estimators;
using SimdSfnn.IO;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn.Units;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// The training loop, top to bottom: shuffle, minibatch gradients, momentum steps, a quick
/// test-set look and a checkpoint after every epoch, a full evaluation at the end.
/// A checkpoint is written only from finite parameters, so divergence never overwrites the
/// last good one; an interruption finishes its step and checkpoints it mid-epoch.
internal sealed class Trainer(RunSettings settings, TaskData data, string outDir, Progress progress)
{
    /// Samples used for the per-epoch look at the test set (the final evaluation uses `EvalSamples`).
    public int MonitorSamples { get; init; } = 10;
    public int EvalSamples { get; init; } = 100;
    public bool Resume { get; init; }
    /// Stop with a checkpoint once this many epochs are done (the schedule still spans all epochs).
    public int StopAfter { get; init; } = int.MaxValue;
    /// Set (by Ctrl-C) to stop after the current step with a checkpoint.
    public CancellationToken Cancel { get; init; }
    /// Where a test holds the run (`SFNN_TEST_PAUSE`); by default nowhere.
    public PausePoint Pause { get; init; } = new(null, progress, default);

    /// Per hidden layer, the firing-rate control that moves its biases (null where there is none).
    FiringRateControl?[] controls = [];

    public string CheckpointPath => Path.Combine(outDir, Checkpoint.FileName);

    /// The finished run's evaluation, or null when it stopped early (`Cancel` or `StopAfter`)
    /// with a checkpoint that `--resume` continues from.
    public TrainResult? Run()
    {
        var shape = data.Shape(settings);
        int N = data.Train.Count, B = Batch, stepsPerEpoch = StepsPerEpoch;
        var theta = new Parameters(shape);
        theta.InitializeGlorot(settings.Seed);
        var optimizer = new MomentumSgd(theta);
        var estimator = EstimatorRegistry.Create(settings.Estimator, settings.Layers, (float?)settings.C);
        controls = settings.FiringControlled
            .Select((on, k) => on ? new FiringRateControl(settings.Layers[k], settings.FiringRate!.Value, settings.FiringStep, twoSided: settings.FiringTwoSided) : null).ToArray();
        var start = Resume ? Restore(theta, optimizer, estimator) : new Checkpoint(settings, theta, null, 0);

        using var pool = new WorkerPool(settings.Threads);
        var minibatch = new TrainingStep(shape, estimator, pool, B, settings.Samples, settings.Seed, (float)settings.InputNoise);
        if (controls.Any(c => c is not null)) minibatch.CountFiring(settings.FiringControlled);
        var schedule = new LearningRateSchedule((float)settings.LearningRate, settings.Epochs, stepsPerEpoch);
        var evaluation = new TestSetEvaluation(shape, pool, Math.Max(EvalSamples, MonitorSamples));
        var order = new int[N];
        using var log = new RunLog(Path.Combine(outDir, "log.jsonl"), Resume ? start.EpochsDone : null);
        double trainSeconds = 0;
        int epochsRun = 0, lastEpoch = Math.Min(settings.Epochs, StopAfter);

        for (int epoch = start.EpochsDone; epoch < lastEpoch; epoch++)
        {
            Shuffle(order, settings.Seed, epoch);
            var clock = Stopwatch.StartNew();
            bool resumed = epoch == start.EpochsDone;
            double criterion = resumed ? start.EpochCriterion : 0;
            for (int step = resumed ? start.StepsDone : 0; step < stepsPerEpoch; step++)
            {
                int first = step * B, count = Math.Min(B, N - first);
                double batchCriterion = minibatch.ComputeAndStep(theta, data.Train, order, first, count, epoch,
                                                                 optimizer, schedule.At((long)epoch * stepsPerEpoch + step));
                if (!double.IsFinite(batchCriterion)) Diverged($"the criterion is {batchCriterion}", epoch, step);
                if (!minibatch.GradientIsFinite) Diverged("the gradient is not finite", epoch, step);
                if (!minibatch.ParametersAreFinite) Diverged("a weight overflowed", epoch, step);
                for (int k = 0; k < controls.Length; k++) controls[k]?.Update(minibatch.Firing(k), minibatch.FiringRows, theta.Bias(k));
                criterion += batchCriterion;
                progress.Step(epoch, settings.Epochs, step + 1, stepsPerEpoch, clock.Elapsed.TotalSeconds);
                Pause.At("step", epoch + 1, step + 1);
                if (Cancel.IsCancellationRequested && step + 1 < stepsPerEpoch)
                {
                    Save(theta, optimizer, estimator, epoch, step + 1, criterion);
                    progress.Message($"interrupted: epoch {epoch + 1}, step {step + 1} of {stepsPerEpoch} is saved in {CheckpointPath}; continue with --resume");
                    return null;
                }
            }
            double seconds = clock.Elapsed.TotalSeconds;
            trainSeconds += seconds;
            epochsRun++;

            var look = evaluation.Run(theta, data.Test, MonitorSamples, estimator.SamplesHidden, settings.Seed);
            var record = new EpochRecord(epoch + 1, criterion / N, look.TestError, look.TestLogLikelihood, look.Samples,
                                         schedule.At((long)(epoch + 1) * stepsPerEpoch - 1), seconds, N / seconds)
            {
                FiringRates = FiringRateSummary.Of(controls),
            };
            // The log line goes first: a resumed run drops lines beyond its checkpoint.
            log.Write(record);
            Pause.At("log", epoch + 1);
            if (record.FiringRates.Count > 0) FiringRatePicture.Draw(log.Path, Path.Combine(outDir, FiringRatePicture.FileName), settings.FiringRate!.Value);
            Save(theta, optimizer, estimator, epoch + 1, 0, 0);
            progress.Epoch(record, settings.Epochs, (settings.Epochs - epoch - 1) * (trainSeconds / epochsRun));
            Pause.At("epoch", epoch + 1);
            if (Cancel.IsCancellationRequested && epoch + 1 < settings.Epochs)
            {
                progress.Message($"interrupted: epoch {epoch + 1} is saved in {CheckpointPath}; continue with --resume");
                return null;
            }
        }
        if (lastEpoch < settings.Epochs)
        {
            progress.Message($"stopped after epoch {lastEpoch} of {settings.Epochs} as asked; continue with --resume");
            return null;
        }

        Pause.At("final");
        var (final, deterministic) = Score(evaluation, theta, data.Test, estimator.SamplesHidden);
        // no held-out scores without held-out examples: a default tuple would read as a perfect score
        EvaluationResult? heldOut = null, heldOutDeterministic = null;
        if (data.HeldOut is { } held) (heldOut, heldOutDeterministic) = Score(evaluation, theta, held, estimator.SamplesHidden);
        // Over every epoch of the run: when an earlier process ran them all (killed after the last
        // checkpoint, before this summary), this one only evaluates.
        return new TrainResult(final, deterministic, log.SecondsPerEpoch, CheckpointPath)
        {
            HeldOut = heldOut, HeldOutDeterministic = heldOutDeterministic,
        };
    }

    /// The stochastic score at `EvalSamples`, and for a deterministic net also its `h = s` score.
    (EvaluationResult Stochastic, EvaluationResult? Deterministic) Score(TestSetEvaluation evaluation, Parameters theta, ExampleSet set, bool samplesHidden) =>
        (evaluation.Run(theta, set, EvalSamples, sampled: true, settings.Seed),
         samplesHidden ? null : evaluation.Run(theta, set, 1, sampled: false, settings.Seed));

    void Save(Parameters theta, MomentumSgd optimizer, IGradientEstimator estimator, int epochsDone, int stepsDone, double criterion)
    {
        var state = new float[settings.Layers.Length][];
        for (int l = 0; l < state.Length; l++) state[l] = estimator is IStatefulEstimator s ? s.SaveState(l) : [];
        new Checkpoint(settings, theta, optimizer.Velocity, epochsDone)
        {
            StepsDone = stepsDone, EpochCriterion = criterion, EstimatorState = state, InputMean = data.InputMean, DataSha256 = data.DataSha256,
            FiringRates = controls.Select(c => c?.Rates.ToArray() ?? []).ToArray(),
        }
            .Save(CheckpointPath, () => Pause.At("rename", epochsDone, stepsDone));
    }

    Checkpoint Restore(Parameters theta, MomentumSgd optimizer, IGradientEstimator estimator)
    {
        string path = CheckpointPath;
        AtomicFile.RemoveTemporaries(path);
        var checkpoint = Checkpoint.Load(path);
        if (!checkpoint.Theta.Shape.Sizes.SequenceEqual(theta.Shape.Sizes) || checkpoint.Theta.Shape.Head != theta.Shape.Head)
            throw new BadInputException($"{path}: the checkpoint's network {checkpoint.Theta.Shape} differs from this run's {theta.Shape}");
        if (checkpoint.Velocity is null) throw new BadInputException($"{path}: the checkpoint has no optimizer state, so the run cannot be resumed");
        if (checkpoint.StepsDone < 0 || checkpoint.StepsDone >= StepsPerEpoch || (checkpoint.EpochsDone == settings.Epochs && checkpoint.StepsDone > 0))
            throw new BadInputException($"{path}: checkpoint metadata 'stepsDone' is {checkpoint.StepsDone}, but an epoch has {StepsPerEpoch} steps");
        for (int l = 0; l < checkpoint.EstimatorState.Length; l++)
        {
            var state = checkpoint.EstimatorState[l];
            bool restored = estimator is IStatefulEstimator s ? s.RestoreState(l, state) : state.Length == 0;
            if (!restored) throw new BadInputException($"{path}: tensor 'estimator.{l}.state' is not {settings.EstimatorName}'s state for a layer of {settings.Layers[l]} units");
        }
        if (estimator is IStatefulEstimator && checkpoint.EpochsDone + checkpoint.StepsDone > 0 && checkpoint.EstimatorState.Any(s => s.Length == 0))
            throw new BadInputException($"{path}: the checkpoint lacks {settings.EstimatorName}'s moving averages, so the run cannot be resumed exactly");
        for (int k = 0; k < controls.Length; k++)
        {
            if (controls[k] is not { } control) continue;
            var rates = k < checkpoint.FiringRates.Length ? checkpoint.FiringRates[k] : [];
            if (rates.Length != settings.Layers[k]) throw new BadInputException($"{path}: the checkpoint lacks the firing rates of layer {k + 1}, so the run cannot be resumed exactly");
            control.Restore(rates);
        }
        theta.CopyFrom(checkpoint.Theta);
        checkpoint.Velocity.CopyTo(optimizer.Velocity, 0);
        return checkpoint;
    }

    int Batch => Math.Min(settings.Batch, data.Train.Count);
    /// The last step of an epoch may be smaller: minibatches need not divide the data set.
    int StepsPerEpoch => (data.Train.Count + Batch - 1) / Batch;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void Diverged(string what, int epoch, int step)
    {
        string kept = File.Exists(CheckpointPath)
            ? $"the last good checkpoint {CheckpointPath} is kept"
            : "no checkpoint had been written yet";
        throw new DivergedException($"training diverged at epoch {epoch + 1}, step {step + 1}: {what}; {kept}; try a smaller --lr (now {settings.LearningRate})");
    }

    /// Fisher-Yates with a SplitMix64 stream keyed by (seed, epoch): the same order on every machine.
    internal static void Shuffle(int[] order, ulong seed, int epoch)
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
}

/// `Final` is the stochastic test at `M = EvalSamples`; `Deterministic` the `h = s` test of a
/// deterministic net (null for stochastic estimators). `HeldOut` and `HeldOutDeterministic` are
/// the same scores on the held-out examples, when the run kept some out (`--hold-out`).
internal sealed record TrainResult(EvaluationResult Final, EvaluationResult? Deterministic, double SecondsPerEpoch, string CheckpointPath)
{
    public EvaluationResult? HeldOut { get; init; }
    public EvaluationResult? HeldOutDeterministic { get; init; }
}

internal sealed class DivergedException(string message) : Exception(message);
