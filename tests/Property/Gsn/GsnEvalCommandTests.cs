using System.Text.Json.Nodes;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Gsn;

/// `sfnn eval` of a GSN checkpoint, end to end on synthetic 8x8 IDX files: the whole protocol of
/// docs/spec/gsn.md in one command, whose numbers are those of `sfnn sample` followed by
/// `sfnn parzen` on the same checkpoint and seed, and one-line refusals of bad input.
public sealed class GsnEvalCommandTests
{
    // 120 training images: the GSN trains on the first 100, the last 20 choose sigma
    static readonly string Data = SyntheticIdx.Write(train: 120);
    static readonly Lazy<string> Checkpoint = new(() =>
    {
        string run = TempDir.Fresh("gsn-eval");
        var trained = Sfnn.Run("train", "--data", Data, "--out", run, "--task", "gsn", "--layers", "16,12", "--batch", "20",
                               "--threads", "1", "--held-out-limit", "20", "--epochs", "1");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        return Path.Combine(run, "checkpoint.safetensors");
    });

    static JsonObject Json(SfnnResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(Assert.Single(result.StdoutLines))!.AsObject();
    }

    [Fact]
    public void Eval_gives_the_numbers_of_sample_then_parzen()
    {
        var eval = Json(Sfnn.Run("eval", Checkpoint.Value, "--data", Data, "--steps", "30", "--digits", "3", "--seed", "5", "--threads", "2"));

        string png = Path.Combine(TempDir.Create("gsn-eval"), "chain.png");
        var sampled = Sfnn.Run("sample", Checkpoint.Value, "--data", Data, "--steps", "30", "--digits", "3", "--seed", "5", "--out", png);
        Assert.True(sampled.ExitCode == 0, sampled.ToString());
        var parzen = Json(Sfnn.Run("parzen", Path.ChangeExtension(png, ".idx"), "--data", Data, "--threads", "2"));

        Assert.Equal("gsn", (string)eval["task"]!);
        Assert.Equal("64-16-12", (string)eval["sizes"]!);
        Assert.Equal(3, (int)eval["digit"]!);
        Assert.Equal(5, (int)eval["seed"]!);
        Assert.Equal(Checkpoint.Value, (string)eval["checkpoint"]!);
        Assert.Equal(30, (int)eval["samples"]!);
        Assert.Equal(20, (int)eval["validImages"]!);
        Assert.Equal(50, (int)eval["testImages"]!);
        // the same chain, scored the same way: the same numbers to the last digit printed
        foreach (string key in new[] { "testLogLikelihood", "standardError", "sigma", "validLogLikelihood", "samples", "sigmaGrid",
                                       "validLogLikelihoods", "testLogLikelihoodSigma020", "standardErrorSigma020", "validImages", "testImages" })
        {
            Assert.True(eval[key] is not null, $"eval's line has no '{key}'");
            Assert.Equal(parzen[key]!.ToJsonString(), eval[key]!.ToJsonString());
        }
        Assert.True(double.IsFinite((double)eval["testLogLikelihood"]!));
    }

    [Fact]
    public void Another_seed_draws_another_chain_and_limit_and_sigma_are_parzens()
    {
        var a = Json(Sfnn.Run("eval", Checkpoint.Value, "--data", Data, "--steps", "20", "--seed", "1", "--sigma", "0.3", "--limit", "7", "--threads", "1"));
        var b = Json(Sfnn.Run("eval", Checkpoint.Value, "--data", Data, "--steps", "20", "--seed", "2", "--sigma", "0.3", "--limit", "7", "--threads", "1"));

        Assert.Equal(0.3, (double)a["sigma"]!);
        Assert.Equal(7, (int)a["validImages"]!);
        Assert.Equal(7, (int)a["testImages"]!);
        Assert.Equal(0, (int)a["digit"]!);
        Assert.NotEqual((double)a["testLogLikelihood"]!, (double)b["testLogLikelihood"]!);
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "--steps", ["--steps", "0"] },
        { "--steps", ["--steps", "many"] },
        { "--digits", ["--digits", "1,2"] },
        { "--digits", ["--digits", "99999"] },
        { "--sigma", ["--sigma", "0"] },
        { "--curve", ["--curve"] },
        { "--samples", ["--samples", "5"] },
    };

    [Theory, MemberData(nameof(BadInputs))]
    public void Bad_options_are_one_line_and_exit_2(string problem, string[] options)
    {
        var result = Sfnn.Run(["eval", Checkpoint.Value, "--data", Data, .. options]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(problem, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void A_missing_checkpoint_is_one_line_and_exit_2()
    {
        string missing = Path.Combine(TempDir.Create("gsn-eval"), "checkpoint.safetensors");

        var result = Sfnn.Run("eval", missing, "--data", Data, "--steps", "10");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(missing, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }
}
