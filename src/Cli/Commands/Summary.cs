using System.Text.Json.Nodes;
using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators.Engine;

namespace SimdSfnn.Cli.Commands;

/// The one-line JSON that `train` and `eval` end with (cli.md).
public static class Summary
{
    public static string Json(RunSettings settings, TrainResult result)
    {
        var o = Base(settings, result.Deterministic ?? result.Final);
        o["secondsPerEpoch"] = Round(result.SecondsPerEpoch);
        if (result.Deterministic is not null) AddStochastic(o, result.Final);
        o["checkpoint"] = result.CheckpointPath;
        return o.ToJsonString();
    }

    public static JsonObject Base(RunSettings settings, EvaluationResult r)
    {
        var o = new JsonObject
        {
            ["task"] = settings.TaskName,
            ["estimator"] = settings.EstimatorName,
            ["samples"] = settings.Samples,
            ["epochs"] = settings.Epochs,
        };
        if (!double.IsNaN(r.TestError)) o["testError"] = Round(r.TestError);
        o["testLogLikelihood"] = Round(r.TestLogLikelihood);
        o["testSamples"] = r.Samples;
        return o;
    }

    /// "Deterministic tested as stochastic": the same net with sampled h and C_M.
    public static void AddStochastic(JsonObject o, EvaluationResult r)
    {
        if (!double.IsNaN(r.TestError)) o["testErrorStochastic"] = Round(r.TestError);
        o["testLogLikelihoodStochastic"] = Round(r.TestLogLikelihood);
        o["testSamplesStochastic"] = r.Samples;
    }

    static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : value;
}
