using System.Text.Json;

namespace SimdSfnn.Property.Cli;

/// `--units` end to end on synthetic IDX files: the run trains the units it names, its
/// checkpoint names them, `eval` and `--resume` rebuild them, and a list that cannot be this
/// run's units is refused with one line.
public sealed class UnitsCommandTests
{
    static readonly string Data = SyntheticIdx.Write();

    /// The tiny run with two hidden layers; an option in `extra` replaces the tiny run's value.
    static SfnnResult Train(string outDir, params string[] extra)
    {
        var args = new List<string>(Sfnn.Tiny) { "--layers", "8,6" };
        args.RemoveRange(args.IndexOf("--layers"), 2);
        foreach (var option in extra.Where(a => a.StartsWith("--")))
            if (args.IndexOf(option) is var i and >= 0) args.RemoveRange(i, 2);
        return Sfnn.Run(["train", "--data", Data, "--out", outDir, .. args, .. extra]);
    }

    static JsonElement Json(SfnnResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(Assert.Single(result.StdoutLines)).RootElement.Clone();
    }

    [Fact]
    public void Eval_of_the_checkpoint_gives_the_run_s_own_scores()
    {
        string outDir = TempDir.Fresh("run");
        var trained = Json(Train(outDir, "--units", "noisy-relu,sts"));
        Assert.Equal("noisy-relu,sts", trained.GetProperty("units").GetString());

        var evaluated = Json(Sfnn.Run("eval", Path.Combine(outDir, "checkpoint.safetensors"), "--samples", "4", "--data", Data, "--threads", "1"));

        Assert.Equal("noisy-relu,sts", evaluated.GetProperty("units").GetString());
        Assert.Equal(trained.GetProperty("testError").GetDouble(), evaluated.GetProperty("testError").GetDouble());
        Assert.Equal(trained.GetProperty("testLogLikelihood").GetDouble(), evaluated.GetProperty("testLogLikelihood").GetDouble());
    }

    [Fact]
    public void A_resumed_run_ends_where_the_straight_run_does()
    {
        var straight = Json(Train(TempDir.Fresh("run"), "--units", "bernoulli,noisy-relu"));
        string outDir = TempDir.Fresh("run");
        Assert.Equal(0, Train(outDir, "--units", "bernoulli,noisy-relu", "--stop-after", "1").ExitCode);

        var resumed = Json(Train(outDir, "--units", "bernoulli,noisy-relu", "--resume"));

        Assert.Equal(straight.GetProperty("testLogLikelihood").GetDouble(), resumed.GetProperty("testLogLikelihood").GetDouble());
        // the units are part of the run: resuming it as another is refused
        var other = Train(outDir, "--units", "sts", "--resume");
        Assert.Equal(2, other.ExitCode);
    }

    [Fact]
    public void Naming_the_default_units_is_the_default_run()
    {
        var plain = Json(Train(TempDir.Fresh("run")));
        var named = Json(Train(TempDir.Fresh("run"), "--units", "bernoulli"));

        Assert.False(plain.TryGetProperty("units", out _));
        Assert.False(named.TryGetProperty("units", out _));
        Assert.Equal(plain.GetProperty("testLogLikelihood").GetDouble(), named.GetProperty("testLogLikelihood").GetDouble());
    }

    [Theory]
    [InlineData("unknown unit kind 'relu'", "--units", "relu")]
    [InlineData("3 unit kinds for 2 hidden layers", "--units", "sts,sts,sts")]
    [InlineData("the deterministic net's units are sigmoids", "--units", "noisy-relu", "--estimator", "deterministic", "--samples", "1")]
    public void Bad_units_are_refused_with_one_line(string message, params string[] bad)
    {
        string outDir = TempDir.Fresh("run");
        var result = Train(outDir, bad);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("--units", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(outDir));
    }
}
