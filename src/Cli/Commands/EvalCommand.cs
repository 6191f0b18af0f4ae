using System.CommandLine;
using System.Globalization;
using SimdSfnn.Cli.Gsn;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;
using SimdSfnn.IO.Data;
using SimdSfnn.IO.Imaging;
using SimdSfnn.IO;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn eval CHECKPOINT`: the test set with any test-time M (default 100); with `--curve`
/// also `C_M` for M = 1..samples as CSV and PNG (Raiko et al. 2014, Figure 2). A GSN
/// checkpoint goes to `GsnEvalCommand`.
internal static class EvalCommand
{
    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string path = r.GetValue(CommandTree.EvalCheckpoint)!;
        Checkpoint.RefuseMissing(path);
        if (GsnCheckpoint.Is(path)) // its chain's Parzen log-likelihood (issue 17)
        {
            CommandTree.EvalGsn.RefuseOthers(r);
            return GsnEvalCommand.Run(r, path);
        }
        CommandTree.EvalClassifier.RefuseOthers(r);
        int samples = r.GetValue(SfnnOptions.Samples) ?? 100;
        int threads = CommonOptions.ThreadCount(r);
        ulong? seed = r.GetValue(SfnnOptions.Seed);
        bool curve = r.GetValue(SfnnOptions.Curve);
        var checkpoint = Checkpoint.Load(path);
        string outDir = r.GetValue(SfnnOptions.Out) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        var settings = checkpoint.Settings;
        var progress = Progress.ForStandardError();
        var dataset = CommonOptions.LoadData(r, progress);
        double[]? mean = settings.Task == TaskKind.Classify ? InputMean(checkpoint, dataset, path, progress) : null;
        var data = TaskData.Load(settings.Task, dataset, settings.TrainLimit, settings.Seed, mean);
        if (checkpoint.DataSha256 is { } trained && !trained.AsSpan(2).SequenceEqual(data.DataSha256.AsSpan(2)))
            progress.Message("note: these test files are not the ones the run was tested on (their SHA-256 differ from the checkpoint's)");
        var shape = data.Shape(settings);
        if (!shape.Sizes.SequenceEqual(checkpoint.Theta.Shape.Sizes) || shape.Head != checkpoint.Theta.Shape.Head)
            throw new BadInputException($"{path}: the checkpoint's network {checkpoint.Theta.Shape} does not fit the data ({shape})");

        using var pool = new WorkerPool(threads);
        var evaluation = new TestSetEvaluation(shape, pool, samples);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var stochastic = evaluation.Run(checkpoint.Theta, data.Test, samples, sampled: true, seed ?? settings.Seed);
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var o = Summary.Base(settings, stochastic);
        if (settings.Estimator == EstimatorKind.Deterministic)
        {
            o = Summary.Base(settings, evaluation.Run(checkpoint.Theta, data.Test, 1, sampled: false, settings.Seed));
            Summary.AddStochastic(o, stochastic);
        }
        if (curve) o["curve"] = WriteCurve(new CriterionCurve(shape, pool, samples).Run(checkpoint.Theta, data.Test, seed ?? settings.Seed), settings, outDir);
        o["evaluationSeconds"] = Math.Round(seconds, 4); // the sampled test pass alone, without loading
        o["checkpoint"] = path;
        Console.WriteLine(JsonLine.Write(o));
        return 0;
    }

    /// The checkpoint's input mean; for a checkpoint written before sfnn stored it, the mean of
    /// MNIST's training images, but only when `--data` is MNIST, which the run must then have used.
    static double[] InputMean(Checkpoint checkpoint, Dataset dataset, string path, Progress progress)
    {
        int pixels = dataset.TestImages.Rows * dataset.TestImages.Columns;
        if (checkpoint.InputMean is { } stored)
            return stored.Length == pixels ? stored
                : throw new BadInputException($"{path}: the checkpoint's network {checkpoint.Theta.Shape} takes {stored.Length} inputs, but the test images have {pixels} pixels");
        if (!dataset.IsMnist())
            throw new BadInputException($"{path}: the checkpoint has no '{Checkpoint.InputMeanTensor}' (it was written before sfnn stored one), so its inputs can only be centred again on MNIST, and --data is not MNIST");
        progress.Message($"note: {path} has no '{Checkpoint.InputMeanTensor}' (written before sfnn stored one); using the mean of MNIST's training images");
        return TaskData.TrainingMean(dataset, checkpoint.Settings.TrainLimit);
    }

    /// Writes curve.csv (M, mean C_M in nats) and curve.png beside each other; returns the CSV path.
    static string WriteCurve(double[] curve, RunSettings settings, string directory)
    {
        Directory.CreateDirectory(directory);
        var csv = new System.Text.StringBuilder("M,C_M\n");
        for (int m = 0; m < curve.Length; m++)
            csv.Append(CultureInfo.InvariantCulture, $"{m + 1},{curve[m]:R}\n");
        string csvPath = Path.Combine(directory, "curve.csv");
        AtomicFile.WriteAllText(csvPath, csv.ToString());
        var x = Enumerable.Range(1, curve.Length).Select(m => (double)m).ToArray();
        new LinePlot($"test C_M, {settings.TaskName} {settings.EstimatorName} M={settings.Samples}", "M (test samples)", "C_M (nats per example)")
            .Add($"{settings.EstimatorName} M={settings.Samples}", x, curve)
            .Save(Path.Combine(directory, "curve.png"));
        return csvPath;
    }
}
