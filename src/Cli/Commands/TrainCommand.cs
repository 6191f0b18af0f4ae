using System.Globalization;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn train`: with no options, the paper's G3, M = 20 MNIST classifier.
public static class TrainCommand
{
    public static int Run(string[] rest)
    {
        var args = new ArgumentReader(rest, ["resume"]);
        var settings = CommonOptions.Training(args);
        bool resume = args.Flag("resume");
        string? outDir = args.String("out");
        int evalSamples = args.Int("eval-samples", 100, 1, 100_000);
        int monitorSamples = args.Int("monitor-samples", 10, 1, 100_000);
        var progress = Progress.ForStandardError();
        if (resume && outDir is null) throw new BadInputException("option --resume needs --out, the run to continue");
        if (resume)
        {
            var saved = Checkpoint.Load(Path.Combine(outDir!, Checkpoint.FileName)).Settings;
            if (!SameRun(saved, settings))
                throw new BadInputException($"--resume: the options differ from the run in {outDir}; resume with the same options");
        }
        var dataset = CommonOptions.Data(args, progress);
        args.RefuseUnknown(0);
        var data = TaskData.Load(settings.Task, dataset, settings.TrainLimit, settings.Seed);
        if (settings.Batch > data.Train.Count)
            throw new BadInputException($"option --batch {settings.Batch} is larger than the {data.Train.Count} training examples");

        outDir ??= Path.Combine("runs", $"{settings.TaskName}-{settings.EstimatorName}-M{settings.Samples}-{DateTime.Now:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(outDir);
        progress.Message($"training {settings.TaskName} {data.Shape(settings.Layers)} with {settings.EstimatorName}, M = {settings.Samples}, " +
                         $"lr {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}, {settings.Epochs} epochs, {settings.Threads} threads; writing to {outDir}");

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var trainer = new Trainer(settings, data, outDir, progress)
            {
                EvalSamples = evalSamples, MonitorSamples = monitorSamples, Resume = resume, Cancel = cancel.Token,
            };
            var result = trainer.Run();
            Console.WriteLine(Summary.Json(settings, result));
            return 0;
        }
        finally { Console.CancelKeyPress -= onCancel; }
    }

    static bool SameRun(RunSettings a, RunSettings b) =>
        a.Task == b.Task && a.Estimator == b.Estimator && a.Samples == b.Samples && a.Layers.SequenceEqual(b.Layers) &&
        a.LearningRate == b.LearningRate && a.Batch == b.Batch && a.Seed == b.Seed && a.InputNoise == b.InputNoise &&
        a.C == b.C && a.TrainLimit == b.TrainLimit && a.Epochs == b.Epochs;
}
