using System.Text.Json.Nodes;

namespace SimdSfnn.Cli.Output;

/// The one way `sfnn` turns a JSON object into text (the summaries of `train` and `eval`,
/// `bench`'s line, `lab`'s object, every line of `log.jsonl`). JSON has no NaN or infinity, so a
/// number that is not finite is written as `null`: a reader of the line always parses it, and
/// `null` says "no such number" (the criterion of a run whose every epoch was done by an
/// earlier process, a test error the task does not have).
internal static class JsonLine
{
    public static string Write(JsonNode node)
    {
        ReplaceNonFinite(node);
        return node.ToJsonString();
    }

    /// A number rounded to `digits` decimals, or null when it is not finite.
    public static JsonNode? Number(double value, int digits = 6) => double.IsFinite(value) ? Math.Round(value, digits) : null;

    static void ReplaceNonFinite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToArray())
                    if (IsNonFinite(o[key])) o[key] = null;
                    else ReplaceNonFinite(o[key]);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                    if (IsNonFinite(a[i])) a[i] = null;
                    else ReplaceNonFinite(a[i]);
                break;
        }
    }

    static bool IsNonFinite(JsonNode? node) =>
        node is JsonValue v && (v.TryGetValue(out double d) && !double.IsFinite(d) || v.TryGetValue(out float f) && !float.IsFinite(f));
}
