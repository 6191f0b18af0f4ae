using System.Text.Json.Nodes;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.Nn.Evaluation;

namespace SimdSfnn.Cli.Commands;

/// The one-line JSON that `train` and `eval` end with (cli.md).
internal static class Summary
{
    public static string Json(RunSettings settings, TrainResult result) => JsonLine.Write(Fields(settings, result));

    public static JsonObject Fields(RunSettings settings, TrainResult result)
    {
        var o = Base(settings, result.Deterministic ?? result.Final);
        o["secondsPerEpoch"] = JsonLine.Number(result.SecondsPerEpoch);
        if (result.Deterministic is not null) AddStochastic(o, result.Final);
        if (result.HeldOut is { } heldOut)
        {
            AddScores(o, "heldOut", "", result.HeldOutDeterministic ?? heldOut);
            if (result.HeldOutDeterministic is not null) AddScores(o, "heldOut", "Stochastic", heldOut);
        }
        o["checkpoint"] = result.CheckpointPath;
        return o;
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
        if (settings.Units is not null) o["units"] = string.Join(',', settings.UnitNames);
        AddScores(o, "test", "", r);
        return o;
    }

    /// "Deterministic tested as stochastic": the same net with sampled h and C_M.
    public static void AddStochastic(JsonObject o, EvaluationResult r) => AddScores(o, "test", "Stochastic", r);

    /// `{set}Error` (classify only), `{set}LogLikelihood` and `{set}Samples`, each name ending in `suffix`.
    static void AddScores(JsonObject o, string set, string suffix, EvaluationResult r)
    {
        if (!double.IsNaN(r.TestError)) o[$"{set}Error{suffix}"] = JsonLine.Number(r.TestError);
        o[$"{set}LogLikelihood{suffix}"] = JsonLine.Number(r.TestLogLikelihood);
        o[$"{set}Samples{suffix}"] = r.Samples;
    }
}
