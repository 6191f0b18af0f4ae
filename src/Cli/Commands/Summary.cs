using System.Text.Json.Nodes;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.Nn.Evaluation;

namespace SimdSfnn.Cli.Commands;

/// The one-line JSON that `train` and `eval` end with (cli.md).
internal static class Summary
{
    public static string Json(RunSettings settings, TrainResult result)
    {
        var o = Base(settings, result.Deterministic ?? result.Final);
        o["secondsPerEpoch"] = JsonLine.Number(result.SecondsPerEpoch);
        if (result.Deterministic is not null) AddStochastic(o, result.Final);
        o["checkpoint"] = result.CheckpointPath;
        return JsonLine.Write(o);
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
        if (!double.IsNaN(r.TestError)) o["testError"] = JsonLine.Number(r.TestError);
        o["testLogLikelihood"] = JsonLine.Number(r.TestLogLikelihood);
        o["testSamples"] = r.Samples;
        return o;
    }

    /// "Deterministic tested as stochastic": the same net with sampled h and C_M.
    public static void AddStochastic(JsonObject o, EvaluationResult r)
    {
        if (!double.IsNaN(r.TestError)) o["testErrorStochastic"] = JsonLine.Number(r.TestError);
        o["testLogLikelihoodStochastic"] = JsonLine.Number(r.TestLogLikelihood);
        o["testSamplesStochastic"] = r.Samples;
    }
}
