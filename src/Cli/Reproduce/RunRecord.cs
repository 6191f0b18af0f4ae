using System.Text.Json;
using System.Text.Json.Nodes;

namespace SimdSfnn.Cli.Reproduce;

/// One line of `runs.jsonl`: a finished run, as `train`'s summary (Summary.Json) plus the run's
/// id, phase, learning rate, seed, layers, training examples and wall-clock seconds. A run that
/// diverged has `"diverged": true` and no scores.
internal sealed class RunRecord
{
    readonly JsonObject line;

    RunRecord(JsonObject line, RunSpec spec, string text)
    {
        this.line = line;
        Spec = spec;
        Text = text;
    }

    public RunSpec Spec { get; }
    public string Id => Spec.Id;
    /// The line as it was read or written, so that a merge copies it unchanged.
    public string Text { get; }

    public int? Epochs => Integer("epochs");
    public string? Layers => line["layers"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// A score such as `heldOutError` or `testLogLikelihoodStochastic`; null when the line has none
    /// (a diverged run, a field of the other task).
    public double? Score(string field) => line[field] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;

    public static RunRecord From(JsonObject line)
    {
        string text = Output.JsonLine.Write(line);
        return Parse(text) ?? throw new ArgumentException($"a run line needs a valid 'run' id: {text}", nameof(line));
    }

    /// The record of a line, or null for a line that is torn (a process killed while appending)
    /// or that no run of this protocol wrote.
    public static RunRecord? Parse(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject o || o["run"] is not JsonValue id || !id.TryGetValue(out string? name)) return null;
            return RunSpec.Parse(name) is { } spec ? new RunRecord(o, spec, text) : null;
        }
        catch (JsonException) { return null; }
    }

    int? Integer(string field) => line[field] is JsonValue v && v.TryGetValue(out int i) ? i : null;
}
