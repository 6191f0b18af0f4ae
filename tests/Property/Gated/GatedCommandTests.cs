using System.Text.Json;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Gated;

/// `sfnn train --task gated` and `sfnn bench --task gated` as processes, on the tests' own tiny
/// synthetic digits: the summary JSON line, the per-epoch log, and one stderr line with exit code 2
/// for bad options.
public sealed class GatedCommandTests
{
    static readonly string[] Tiny = ["--hidden", "8", "--gates", "40", "--epochs", "2", "--batch", "20", "--threads", "1"];

    [Theory]
    [InlineData("st")]
    [InlineData("noisy-relu")]
    [InlineData("sts")]
    [InlineData("reinforce")]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("noisy-sigmoid")]
    public void Train_gated_prints_its_summary_as_json(string gater)
    {
        string data = SyntheticIdx.Write(train: 240, test: 50), outDir = TempDir.Fresh("gated");
        var result = Sfnn.Run(["train", "--task", "gated", "--gater", gater, "--data", data, "--out", outDir, .. Tiny]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var o = json.RootElement;
        Assert.Equal("gated", o.GetProperty("task").GetString());
        Assert.Equal(gater, o.GetProperty("gater").GetString());
        Assert.Equal("64-8-40x40-4", o.GetProperty("sizes").GetString());
        // reinforce's gates above the threshold are 1 at test time, the others' E[h | a]
        string rule = gater == "reinforce" ? "Binary" : "Mean";
        Assert.Equal(rule.ToLowerInvariant(), o.GetProperty("testGates").GetString());
        Assert.Equal(o.GetProperty($"testError{rule}Gates").GetDouble(), o.GetProperty("testError").GetDouble());
        Assert.InRange(o.GetProperty("testError").GetDouble(), 0, 1);
        Assert.InRange(o.GetProperty("testErrorBinaryGates").GetDouble(), 0, 1);
        // the threshold is tuned on the 40 held-out digits so that a tenth of their gates are on
        Assert.InRange(o.GetProperty("sparsity").GetDouble(), 0.02, 0.3);
        // relu's quantile can be 0 (fewer than a tenth of its gates non-zero): then the threshold is
        // the smallest positive float, and every non-zero gate is on
        Assert.True(o.GetProperty("threshold").GetDouble() > 0);
        Assert.True(o.GetProperty("secondsPerEpoch").GetDouble() > 0);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(outDir, "log.jsonl")).Length);
        Assert.Contains("epoch 2/2", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_test_gates_set_the_reported_errors_and_the_log_holds_both_rules()
    {
        string data = SyntheticIdx.Write(train: 240, test: 50), outDir = TempDir.Fresh("gated");
        var result = Sfnn.Run(["train", "--task", "gated", "--gater", "st", "--test-gates", "binary", "--data", data, "--out", outDir, .. Tiny]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var o = json.RootElement;
        Assert.Equal("binary", o.GetProperty("testGates").GetString());
        Assert.Equal(o.GetProperty("testErrorBinaryGates").GetDouble(), o.GetProperty("testError").GetDouble());
        foreach (string line in File.ReadAllLines(Path.Combine(outDir, "log.jsonl")))
        {
            using var epoch = JsonDocument.Parse(line);
            var e = epoch.RootElement;
            Assert.Equal(e.GetProperty("heldOutErrorBinaryGates").GetDouble(), e.GetProperty("heldOutError").GetDouble());
            Assert.InRange(e.GetProperty("heldOutErrorMeanGates").GetDouble(), 0, 1);
        }
    }

    [Fact]
    public void Reinforce_defaults_to_its_own_epochs_schedule_gater_rate_and_test_rule()
    {
        string data = SyntheticIdx.Write(train: 60, test: 10);
        var result = Sfnn.Run(["train", "--task", "gated", "--gater", "reinforce", "--data", data, "--out", TempDir.Fresh("gated"),
                               "--hidden", "4", "--gates", "20", "--batch", "25", "--threads", "1"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var o = json.RootElement;
        Assert.Equal(100, o.GetProperty("epochs").GetInt32());
        Assert.Equal(0.97, o.GetProperty("decay").GetDouble(), 6);
        Assert.Equal(0.3, o.GetProperty("lr").GetDouble(), 6);
        Assert.Equal(0.01, o.GetProperty("gaterLr").GetDouble(), 6);
        Assert.Equal("binary", o.GetProperty("testGates").GetString());
    }

    [Fact]
    public void Without_a_gater_it_trains_the_straight_through_one()
    {
        string data = SyntheticIdx.Write(train: 240, test: 50);
        var result = Sfnn.Run(["train", "--task", "gated", "--data", data, "--out", TempDir.Fresh("gated"), .. Tiny]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"gater\":\"st\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Decay_multiplies_the_rate_after_each_epoch()
    {
        string data = SyntheticIdx.Write(train: 240, test: 50), outDir = TempDir.Fresh("gated");
        var result = Sfnn.Run(["train", "--task", "gated", "--data", data, "--out", outDir, "--lr", "0.2", "--decay", "0.25", .. Tiny]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rates = File.ReadAllLines(Path.Combine(outDir, "log.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("lr").GetDouble()).ToArray();
        Assert.Equal([0.2, 0.05], rates.Select(r => Math.Round(r, 6)));
        Assert.Contains("\"decay\":0.25", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "--gater", "softmax")]
    [InlineData("train", "--decay", "0")]
    [InlineData("train", "--lr", "0")]
    [InlineData("train", "--weight-decay", "-1")]
    [InlineData("train", "--gater-lr", "0")]
    [InlineData("train", "--test-gates", "half")]
    [InlineData("train", "--estimator", "G3")]
    [InlineData("train", "--gates", "0")]
    [InlineData("train", "--sts-target", "nonzero")] // the default gater is st
    [InlineData("train", "--sts-target", "median")]
    [InlineData("bench", "--gates-on", "0")]
    [InlineData("bench", "--gates-on", "1.5")]
    [InlineData("bench", "--gater", "nope")]
    [InlineData("bench", "--test-rows", "0")]
    public void Bad_options_are_one_line_and_exit_2(string command, string option, string value)
    {
        string[] rest = command == "train" ? ["--data", SyntheticIdx.Write(train: 60, test: 10), "--out", TempDir.Fresh("gated"), .. Tiny] : ["--steps", "1"];
        var result = Sfnn.Run([command, "--task", "gated", option, value, .. rest]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_gated_prints_the_speedup_over_dense_as_json()
    {
        var result = Sfnn.Run("bench", "--task", "gated", "--gates", "64", "--batch", "8", "--gates-on", "0.25", "--steps", "2", "--rounds", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var o = json.RootElement;
        Assert.Equal("gated", o.GetProperty("task").GetString());
        Assert.Equal(0.25, o.GetProperty("gatesOn").GetDouble());
        Assert.True(o.GetProperty("speedupOverDense").GetDouble() > 0);
        Assert.True(o.GetProperty("forwardSpeedupOverDense").GetDouble() > 0);
        Assert.Equal(64, o.GetProperty("testTimeBatch").GetInt32());
        Assert.True(o.GetProperty("testTimeSpeedupOverDense").GetDouble() > 0);
    }

    [Fact]
    public void Bench_gated_times_the_test_time_forward_over_the_rows_asked_for()
    {
        var result = Sfnn.Run("bench", "--task", "gated", "--gates", "64", "--batch", "8", "--test-rows", "1", "--steps", "2", "--rounds", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        Assert.Equal(1, json.RootElement.GetProperty("testTimeBatch").GetInt32());
        Assert.Contains("test time (1 row,", result.Stderr, StringComparison.Ordinal);
    }
}
