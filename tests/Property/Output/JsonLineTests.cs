using System.Text.Json;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Output;

namespace SimdSfnn.Property.Output;

/// JSON has no NaN or infinity: every number `sfnn` writes goes through `JsonLine`, which writes
/// a number that is not finite as null, at any depth; and no other code writes JSON text.
public sealed class JsonLineTests
{
    [Fact]
    public void Non_finite_numbers_become_null_at_any_depth_and_the_rest_is_kept()
    {
        var o = new JsonObject
        {
            ["nan"] = double.NaN,
            ["inf"] = double.PositiveInfinity,
            ["floatInf"] = float.NegativeInfinity,
            ["finite"] = 1.5,
            ["count"] = 3,
            ["text"] = "NaN",
            ["nested"] = new JsonObject { ["values"] = new JsonArray(1.0, double.NaN, new JsonObject { ["x"] = double.NegativeInfinity }) },
            ["rounded"] = JsonLine.Number(double.NaN),
        };

        string text = JsonLine.Write(o);

        using var parsed = JsonDocument.Parse(text); // would throw on NaN or Infinity literals
        Assert.Equal("""{"nan":null,"inf":null,"floatInf":null,"finite":1.5,"count":3,"text":"NaN","nested":{"values":[1,null,{"x":null}]},"rounded":null}""", text);
        Assert.Equal(0.123457, JsonLine.Number(0.1234567)!.GetValue<double>());
    }

    /// Every writer of JSON text in the CLI is `JsonLine` (the safetensors header, in Nn, writes only
    /// strings and integers). A new writer that bypasses it fails here.
    [Fact]
    public void No_code_but_JsonLine_writes_json_text()
    {
        string src = Repository.Path("src");
        var writers = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("ToJsonString(") || text.Contains("JsonSerializer.Serialize") || text.Contains("new Utf8JsonWriter")))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Order().ToArray();
        Assert.Equal(["Cli/Output/JsonLine.cs", "IO/Checkpoints/Safetensors.cs"], writers);
    }
}
