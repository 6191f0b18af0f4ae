using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Engine;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn eval CHECKPOINT`: the test set with any test-time M (default 100).
public static class EvalCommand
{
    public static int Run(string[] rest)
    {
        var args = new ArgumentReader(rest, []);
        if (args.Positional.Count == 0) throw new BadInputException("eval needs a checkpoint: sfnn eval CHECKPOINT [--samples M]");
        int samples = args.Int("samples", 100, 1, 100_000);
        int threads = CommonOptions.Threads(args);
        ulong? seed = args.Has("seed") ? args.ULong("seed", 1) : null;
        var checkpoint = Checkpoint.Load(args.Positional[0]);
        var settings = checkpoint.Settings;
        var dataset = CommonOptions.Data(args, Progress.ForStandardError());
        args.RefuseUnknown(1);
        var data = TaskData.Load(settings.Task, dataset, settings.TrainLimit, settings.Seed);
        var shape = data.Shape(settings.Layers);
        if (!shape.Sizes.SequenceEqual(checkpoint.Theta.Shape.Sizes) || shape.Head != checkpoint.Theta.Shape.Head)
            throw new BadInputException($"{args.Positional[0]}: the checkpoint's network {checkpoint.Theta.Shape} does not fit the data ({shape})");

        using var pool = new WorkerPool(threads);
        var evaluation = new Evaluation(shape, pool, samples);
        var stochastic = evaluation.Run(checkpoint.Theta, data.Test, samples, sampled: true, seed ?? settings.Seed);
        var o = Summary.Base(settings, stochastic);
        if (settings.Estimator == EstimatorKind.Deterministic)
        {
            o = Summary.Base(settings, evaluation.Run(checkpoint.Theta, data.Test, 1, sampled: false, settings.Seed));
            Summary.AddStochastic(o, stochastic);
        }
        o["checkpoint"] = args.Positional[0];
        Console.WriteLine(o.ToJsonString());
        return 0;
    }
}
