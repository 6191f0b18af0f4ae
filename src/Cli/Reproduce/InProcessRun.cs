using System.Diagnostics;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Commands;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.IO.Data;

namespace SimdSfnn.Cli.Reproduce;

/// Trains one run of the protocol in this process with `train`'s own loop, into `OUT/runs/ID`;
/// a folder that already holds a checkpoint (an interrupted run) is resumed from it, as
/// `train --resume` would. The data of the last run is kept, since runs in a row mostly share it.
internal sealed class InProcessRun(ReproduceProtocol protocol, Dataset dataset, string outDir, Progress progress, Interruption interruption)
{
    TaskData? data;
    (TaskKind Task, int HoldOut, ulong Seed) dataKey;

    public static string Folder(string outDir, RunSpec spec) => Path.Combine(outDir, "runs", spec.Id);

    /// The finished run's line, or null when it was interrupted (its checkpoint is kept).
    public RunRecord? Run(RunSpec spec)
    {
        var settings = protocol.Settings(spec, dataset.TrainImages.Count);
        string dir = Folder(outDir, spec), checkpoint = Path.Combine(dir, Checkpoint.FileName);
        bool resume = File.Exists(checkpoint);
        if (resume && !Checkpoint.Load(checkpoint).Settings.SameRunAs(settings))
            throw new BadInputException($"{dir} holds a run with other settings than this protocol's; use another --out");
        var runData = Data(settings);
        Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        var trainer = new Trainer(settings, runData, dir, progress)
        {
            EvalSamples = protocol.EvalSamples, MonitorSamples = protocol.MonitorSamples, Resume = resume, Cancel = interruption.Token,
            Pause = PausePoint.FromEnvironment(progress, interruption.Token),
        };
        JsonObject summary;
        try
        {
            if (trainer.Run() is not { } result) return null;
            summary = Summary.Fields(settings, result);
            summary.Remove("checkpoint"); // always runs/ID, and a path of this machine
        }
        catch (DivergedException e)
        {
            // A diverged rate is an answer of the sweep, not a failure of the whole reproduction.
            progress.Message($"{spec.Id}: {e.Message}");
            summary = new JsonObject { ["diverged"] = true, ["epochs"] = settings.Epochs };
        }
        var line = new JsonObject
        {
            ["run"] = spec.Id,
            ["phase"] = spec.Phase == RunPhase.Sweep ? "sweep" : "final",
            ["task"] = spec.Cell.TaskName,
            ["estimator"] = settings.EstimatorName,
            ["samples"] = settings.Samples,
            ["lr"] = spec.LearningRate,
            ["seed"] = spec.Seed,
            ["layers"] = string.Join(',', settings.Layers),
            ["trainExamples"] = runData.Train.Count,
            ["heldOutExamples"] = runData.HeldOut?.Count ?? 0,
        };
        foreach (var (name, value) in summary.ToArray())
            if (!line.ContainsKey(name)) line[name] = value?.DeepClone();
        line["seconds"] = Output.JsonLine.Number(clock.Elapsed.TotalSeconds, 2);
        return RunRecord.From(line);
    }

    TaskData Data(RunSettings settings)
    {
        // The structured task binarises its images with the run's seed; the classifier's data
        // does not depend on it.
        var key = (settings.Task, settings.HoldOut, settings.Task == TaskKind.Structured ? settings.Seed : 0);
        if (data is null || dataKey != key)
        {
            data = null; // let the old sets go before the new ones are made
            data = TaskData.Load(settings.Task, dataset, 0, settings.Seed, holdOut: settings.HoldOut);
            dataKey = key;
        }
        return data;
    }
}
