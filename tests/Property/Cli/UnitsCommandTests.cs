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

    [Theory]
    [InlineData("noisy-relu,sts")]
    [InlineData("tanh-noise,bernoulli")]
    public void Eval_of_the_checkpoint_gives_the_run_s_own_scores(string units)
    {
        string outDir = TempDir.Fresh("run");
        var trained = Json(Train(outDir, "--units", units));
        Assert.Equal(units, trained.GetProperty("units").GetString());

        var evaluated = Json(Sfnn.Run("eval", Path.Combine(outDir, "checkpoint.safetensors"), "--samples", "4", "--data", Data, "--threads", "1"));

        Assert.Equal(units, evaluated.GetProperty("units").GetString());
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

/// `--firing-rate` end to end: the log holds each epoch's rates, the picture is drawn, a resumed
/// run moves the biases as the straight one does, and options that steer nothing are refused.
public sealed class FiringRateCommandTests
{
    static readonly string Data = SyntheticIdx.Write();

    static SfnnResult Train(string outDir, params string[] extra) =>
        Sfnn.Run(["train", "--data", Data, "--out", outDir, .. Sfnn.Tiny, "--units", "noisy-relu", .. extra]);

    [Fact]
    public void The_log_and_the_picture_show_the_rates_and_a_resumed_run_ends_as_the_straight_one()
    {
        string straightDir = TempDir.Fresh("run");
        var straight = Train(straightDir, "--firing-rate", "0.3", "--firing-two-sided");
        Assert.True(straight.ExitCode == 0, straight.ToString());
        var lines = File.ReadAllLines(Path.Combine(straightDir, "log.jsonl"));
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            var rates = Assert.Single(JsonDocument.Parse(line).RootElement.GetProperty("firingRates").EnumerateArray());
            Assert.Equal(1, rates.GetProperty("layer").GetInt32());
            Assert.InRange(rates.GetProperty("p10").GetDouble(), 0, rates.GetProperty("median").GetDouble());
            Assert.InRange(rates.GetProperty("p90").GetDouble(), rates.GetProperty("median").GetDouble(), 1);
        }
        var png = File.ReadAllBytes(Path.Combine(straightDir, "firing-rates.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        string resumedDir = TempDir.Fresh("run");
        Assert.Equal(0, Train(resumedDir, "--firing-rate", "0.3", "--firing-two-sided", "--stop-after", "1").ExitCode);
        var resumed = Train(resumedDir, "--firing-rate", "0.3", "--firing-two-sided", "--resume");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(straight.StdoutLines[^1].Split("\"secondsPerEpoch\"")[0], resumed.StdoutLines[^1].Split("\"secondsPerEpoch\"")[0]);
        // the same weights, velocity and firing rates, bit for bit
        Assert.Equal(File.ReadAllBytes(Path.Combine(straightDir, "checkpoint.safetensors")),
                     File.ReadAllBytes(Path.Combine(resumedDir, "checkpoint.safetensors")));
        // without the control the biases move otherwise: the control changed the run
        // (the tiny test set is classified perfectly either way, so the weights tell)
        string uncontrolledDir = TempDir.Fresh("run");
        Assert.Equal(0, Train(uncontrolledDir).ExitCode);
        float[] Bias(string dir) => SimdSfnn.IO.Checkpoints.Safetensors.Read(Path.Combine(dir, "checkpoint.safetensors")).Tensor("layers.0.bias");
        Assert.NotEqual(Bias(straightDir), Bias(uncontrolledDir));
    }

    [Theory]
    [InlineData("--firing-rate", "--firing-rate", "1.5")]
    [InlineData("--firing-rate", "--units", "bernoulli", "--firing-rate", "0.1")]
    [InlineData("--firing-step", "--firing-step", "0.1")]
    [InlineData("--firing-two-sided", "--firing-two-sided")]
    public void Options_that_steer_nothing_are_refused_with_one_line(string named, params string[] bad)
    {
        string outDir = TempDir.Fresh("run");
        List<string> args = ["train", "--data", Data, "--out", outDir, .. Sfnn.Tiny];
        if (!bad.Contains("--units")) args.AddRange(["--units", "noisy-relu"]);
        var result = Sfnn.Run([.. args, .. bad]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, Assert.Single(result.StderrLines));
        Assert.False(Directory.Exists(outDir));
    }
}
