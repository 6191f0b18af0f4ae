using System.Text.Json;
using SimdSfnn.Cli.Lab;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Lab;

/// The `lab` command: the worked example of spec/estimators.md through the real code path,
/// the output's shape, and one-line refusals that name the field.
public sealed class LabCommandTests
{
    const string WorkedExample = """
        {
          "layers": [2, 3, 2],
          "output": "softmax",
          "weights": [[0.5, -1.0, 0.3, 0.2, -0.7, 1.1], [1.0, -0.5, 0.25, 0.4, 0.9, -1.2]],
          "biases": [[0.1, -0.2, 0.0], [0.05, -0.05]],
          "x": [1.0, 0.0],
          "y": 1,
          "samples": 2,
          "estimator": "G5",
          "c": 0.5,
          "baseline": 0.0,
          "draws": 2000,
          "seed": 7
        }
        """;

    [Fact]
    public void Worked_example_reproduces_the_spec_numbers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sfnn-lab-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, WorkedExample);
        try
        {
            using var output = JsonDocument.Parse(LabCommand.Evaluate(LabSpec.Load(path)));
            var root = output.RootElement;
            Assert.Equal("G5", root.GetProperty("estimator").GetString());
            Assert.Equal(2, root.GetProperty("samples").GetInt32());
            Assert.Equal(-0.85176012404664, root.GetProperty("objective").GetDouble(), 13);
            Assert.Equal(-0.7864272964748928, root.GetProperty("logLikelihood").GetDouble(), 14);
            Assert.Equal(["estimator", "samples", "objective", "logLikelihood", "expected", "variance", "gradLogLikelihood", "gradObjective", "monteCarlo"],
                         root.EnumerateObject().Select(p => p.Name));
            foreach (var name in new[] { "expected", "variance", "gradLogLikelihood", "gradObjective" })
                AssertParameterShape(root.GetProperty(name));
            var monteCarlo = root.GetProperty("monteCarlo");
            Assert.Equal(2000, monteCarlo.GetProperty("draws").GetInt64());
            AssertParameterShape(monteCarlo.GetProperty("mean"));
            AssertParameterShape(monteCarlo.GetProperty("variance"));
        }
        finally { File.Delete(path); }
    }

    /// The worked example's network with STS units: the pathwise estimator's exact moments and
    /// its bias, the difference of its mean from the objective's gradient.
    [Fact]
    public void Sts_units_report_the_pathwise_estimator_and_its_bias()
    {
        string spec = WorkedExample.Replace("\"estimator\": \"G5\"", "\"estimator\": \"pathwise\", \"units\": \"sts\"");
        using var output = JsonDocument.Parse(LabCommand.Evaluate(LabSpec.Parse(spec)));
        var root = output.RootElement;

        Assert.Equal(["estimator", "units", "samples", "objective", "logLikelihood", "expected", "variance", "bias", "gradLogLikelihood", "gradObjective", "monteCarlo"],
                     root.EnumerateObject().Select(p => p.Name));
        foreach (var name in new[] { "expected", "variance", "bias", "gradLogLikelihood", "gradObjective" })
            AssertParameterShape(root.GetProperty(name));
        double[] Flat(string name) => root.GetProperty(name).EnumerateObject()
            .SelectMany(p => p.Value.EnumerateArray().SelectMany(a => a.EnumerateArray().Select(v => v.GetDouble()))).ToArray();
        var bias = Flat("bias");
        var expected = Flat("expected");
        var gradient = Flat("gradObjective");
        for (int i = 0; i < bias.Length; i++) Assert.Equal(expected[i] - gradient[i], bias[i], 12);
        Assert.Contains(bias, b => Math.Abs(b) > 1e-3);
        // another model than the Bernoulli net of the same weights
        Assert.NotEqual(-0.85176012404664, root.GetProperty("objective").GetDouble(), 6);
    }

    [Theory]
    [InlineData("\"estimator\": \"G3\", \"units\": \"sts\"", "'estimator'")]
    [InlineData("\"estimator\": \"pathwise\", \"units\": \"relu\"", "'units'")]
    [InlineData("\"estimator\": \"pathwise\"", "'estimator'")]
    public void Units_and_estimator_that_do_not_go_together_are_refused(string fields, string named)
    {
        string spec = WorkedExample.Replace("\"estimator\": \"G5\"", fields);
        var error = Assert.Throws<BadInputException>(() => LabSpec.Parse(spec));
        Assert.Contains(named, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    static void AssertParameterShape(JsonElement parameters)
    {
        Assert.Equal(["weights", "biases"], parameters.EnumerateObject().Select(p => p.Name));
        Assert.Equal([6, 6], parameters.GetProperty("weights").EnumerateArray().Select(a => a.GetArrayLength()));
        Assert.Equal([3, 2], parameters.GetProperty("biases").EnumerateArray().Select(a => a.GetArrayLength()));
    }

    public static TheoryData<string, string, string> BadSpecs() => new()
    {
        { "\"samples\": 2,", "\"samples\": 2.5,", "'samples'" },
        { "\"samples\": 2,", "\"samples\": 7,", "'samples'" },
        { "\"y\": 1,", "\"y\": 2,", "'y'" },
        { "\"x\": [1.0, 0.0],", "\"x\": [1.0],", "'x'" },
        { "\"x\": [1.0, 0.0],", "\"x\": [1.0, \"a\"],", "'x[1]'" },
        { "\"x\": [1.0, 0.0],", "\"x\": [1.0, 1e999],", "'x[1]'" },
        { "[0.05, -0.05]]", "[0.05]]", "'biases[1]'" },
        { "1.1], [1.0", "1.1, 0.0], [1.0", "'weights[0]'" },
        { "\"layers\": [2, 3, 2],", "\"layers\": [2, 2],", "'layers'" },
        { "\"output\": \"softmax\",", "\"output\": \"gauss\",", "'output'" },
        { "\"estimator\": \"G5\",", "\"estimator\": \"G9\",", "'estimator'" },
        { "\"draws\": 2000,", "\"draws\": 0,", "'draws'" },
        { "\"seed\": 7", "\"seed\": -1", "'seed'" },
        { "\"c\": 0.5,", "\"cc\": 0.5,", "'cc'" },
        { "\"c\": 0.5,", "\"c\": 0.5, \"c\": 0.5,", "'c'" },
        { "\"estimator\": \"G5\",", "", "'estimator'" },
        { "\"layers\": [2, 3, 2],", "\"layers\": [2, 21, 2],", "'layers'" },
    };

    [Theory, MemberData(nameof(BadSpecs))]
    public void Bad_specs_are_refused_naming_the_field(string find, string replace, string field)
    {
        Assert.Contains(find, WorkedExample);
        var error = Assert.Throws<BadInputException>(() => LabSpec.Parse(WorkedExample.Replace(find, replace)));
        Assert.Contains(field, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Bernoulli_targets_may_be_written_as_integers_or_floats()
    {
        var spec = WorkedExample.Replace("\"softmax\"", "\"bernoulli\"").Replace("\"y\": 1,", "\"y\": [0, 1.0],");
        Assert.Equal([0.0, 1.0], LabSpec.Parse(spec).Network.Target);
        var error = Assert.Throws<BadInputException>(() => LabSpec.Parse(spec.Replace("[0, 1.0]", "[0, 0.5]")));
        Assert.Contains("'y[1]'", error.Message);
    }

    [Fact]
    public void Missing_file_and_bad_input_exit_with_code_2()
    {
        Assert.Equal(2, SimdSfnn.Cli.Program.Main(["lab", Path.Combine(Path.GetTempPath(), "no-such-spec.json")]));
        Assert.Equal(2, SimdSfnn.Cli.Program.Main(["lab"]));
    }
}
