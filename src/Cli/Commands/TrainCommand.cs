using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using SimdSfnn.Cli.Gsn;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn train`: with no options, the paper's G3, M = 20 MNIST classifier.
/// Every option and the data are checked before the run folder is created; a run that fails
/// before its first checkpoint removes the folder it created, so nothing half-made is left.
internal static class TrainCommand
{
    /// Parameters, gradients and momentum are float blocks of this many values at most.
    const long MaxParameters = 1L << 28;

    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        switch (r.GetValue(SfnnOptions.Task))
        {
            case "gsn": // a model family of its own (issue 17)
                CommandTree.TrainGsn.RefuseOthers(r);
                return GsnTrainCommand.Run(r);
            case "gated": // conditional computation (issue 18)
                CommandTree.TrainGated.RefuseOthers(r);
                return Gated.GatedTrainCommand.Run(r);
        }
        CommandTree.TrainClassifier.RefuseOthers(r);
        var settings = CommonOptions.Training(r);
        bool resume = r.GetValue(SfnnOptions.Resume);
        string? outDir = r.GetValue(SfnnOptions.Out);
        int evalSamples = r.GetValue(SfnnOptions.EvalSamples) ?? 100;
        int monitorSamples = r.GetValue(SfnnOptions.MonitorSamples) ?? 10;
        int stopAfter = StopAfter(r, settings.Epochs);
        if (settings.C is not null && settings.Estimator != EstimatorKind.G5)
            throw new BadInputException($"option --c is G5's constant; it conflicts with --estimator {settings.EstimatorName}");
        if (resume && outDir is null) throw new BadInputException("option --resume needs --out, the run to continue");
        Checkpoint? saved = resume ? Checkpoint.Load(Path.Combine(outDir!, Checkpoint.FileName)) : null;
        if (saved is not null)
        {
            if (!saved.Settings.SameRunAs(settings))
                throw new BadInputException($"--resume: the options differ from the run in {outDir}; resume with the same options");
        }
        else if (outDir is not null && File.Exists(Path.Combine(outDir, Checkpoint.FileName)))
            throw new BadInputException($"--out {outDir} already holds a run's checkpoint; continue it with --resume or choose another --out");

        var progress = Progress.ForStandardError();
        var data = TaskData.Load(settings.Task, CommonOptions.LoadData(r, progress), settings.TrainLimit, settings.Seed, holdOut: settings.HoldOut);
        if (saved?.DataSha256 is { } trained && !trained.SequenceEqual(data.DataSha256))
            throw new BadInputException($"--resume: the run in {outDir} was trained on other data (the SHA-256 of its IDX files differ from --data's); resume it with the same data");
        if (settings.Batch > data.Train.Count)
            throw new BadInputException($"option --batch {settings.Batch} is larger than the {data.Train.Count} training examples");
        var shape = data.Shape(settings);
        long parameters = 0;
        for (int l = 0; l + 1 < shape.Sizes.Length; l++) parameters += (shape.Sizes[l] + 1L) * shape.Sizes[l + 1];
        if (parameters > MaxParameters)
            throw new BadInputException($"option --layers {string.Join(',', settings.Layers)} gives {parameters} parameters; at most {MaxParameters} are supported");

        using var interruption = new Interruption();

        outDir ??= Path.Combine("runs", $"{settings.TaskName}-{settings.EstimatorName}-M{settings.Samples}-{DateTime.Now:yyyyMMdd-HHmmss}");
        bool created = !Directory.Exists(outDir);
        Directory.CreateDirectory(outDir);
        string units = settings.Units is null ? "" : $" of {shape.UnitNames} units";
        progress.Message($"training {settings.TaskName} {shape}{units} with {settings.EstimatorName}, M = {settings.Samples}, " +
                         $"lr {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}, {settings.Epochs} epochs, {settings.Threads} threads; writing to {outDir}");

        var trainer = new Trainer(settings, data, outDir, progress)
        {
            EvalSamples = evalSamples, MonitorSamples = monitorSamples, Resume = resume, StopAfter = stopAfter, Cancel = interruption.Token,
            Pause = PausePoint.FromEnvironment(progress, interruption.Token),
        };
        try
        {
            var result = trainer.Run();
            if (result is null) return interruption.Requested ? Interruption.ExitCode : 0;
            Console.WriteLine(Summary.Json(settings, result));
            return 0;
        }
        catch when (created && !File.Exists(trainer.CheckpointPath))
        {
            Directory.Delete(outDir, recursive: true);
            throw;
        }
    }

    /// `--stop-after N`, at most `--epochs` (the schedule spans them all); without it, all of them.
    public static int StopAfter(ParseResult r, int epochs)
    {
        ArgumentNullException.ThrowIfNull(r);
        int stopAfter = r.GetValue(SfnnOptions.StopAfter) ?? epochs;
        return stopAfter <= epochs ? stopAfter : throw new BadInputException(OptionKinds.OutOfRange("--stop-after", 1, epochs, stopAfter));
    }
}
