using System.Text.Json;

namespace SimdSfnn.Property.Cli;

/// cli.md's contract, run end to end on synthetic IDX files: `train` ends with one JSON line
/// on stdout and leaves `log.jsonl` and a checkpoint; `eval` reads that checkpoint.
public sealed class TrainEvalEndToEndTests
{
    static SfnnResult Train(string data, string outDir, params string[] extra) =>
        Sfnn.Run(["train", "--data", data, "--out", outDir, .. Sfnn.Tiny, .. extra]);

    [Fact]
    public void Train_prints_one_json_line_and_writes_log_and_checkpoint()
    {
        string data = SyntheticIdx.Write(), outDir = TempDir.Fresh("run");
        var result = Train(data, outDir);

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StdoutLines);
        using var json = JsonDocument.Parse(line);
        var o = json.RootElement;
        Assert.Equal("classify", o.GetProperty("task").GetString());
        Assert.Equal("G3", o.GetProperty("estimator").GetString());
        Assert.Equal(2, o.GetProperty("samples").GetInt32());
        Assert.Equal(2, o.GetProperty("epochs").GetInt32());
        Assert.InRange(o.GetProperty("testError").GetDouble(), 0, 1);
        Assert.True(o.GetProperty("testLogLikelihood").GetDouble() < 0);
        Assert.True(o.GetProperty("secondsPerEpoch").GetDouble() > 0);
        // no --hold-out, so no held-out scores (not zeros, which would read as a perfect score)
        Assert.False(o.TryGetProperty("heldOutError", out _), line);
        Assert.False(o.TryGetProperty("heldOutSamples", out _), line);

        var log = File.ReadAllLines(Path.Combine(outDir, "log.jsonl"));
        Assert.Equal(2, log.Length);
        Assert.Equal(2, JsonDocument.Parse(log[1]).RootElement.GetProperty("epoch").GetInt32());
        Assert.True(File.Exists(Path.Combine(outDir, "checkpoint.safetensors")));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Hold_out_trains_on_the_rest_and_scores_the_held_out_examples()
    {
        string data = SyntheticIdx.Write();
        var result = Train(data, TempDir.Fresh("run"), "--hold-out", "50");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        Assert.InRange(json.RootElement.GetProperty("heldOutError").GetDouble(), 0, 1);
        Assert.True(json.RootElement.GetProperty("heldOutLogLikelihood").GetDouble() < 0);
        Assert.Equal(4, json.RootElement.GetProperty("heldOutSamples").GetInt32());

        var all = Train(data, TempDir.Fresh("run"), "--hold-out", "200");
        Assert.Equal(2, all.ExitCode);
        Assert.Contains("holding out 200", Assert.Single(all.StderrLines));
    }

    [Fact]
    public void Eval_reads_the_checkpoint_with_any_M()
    {
        string data = SyntheticIdx.Write(), outDir = TempDir.Fresh("run");
        Assert.Equal(0, Train(data, outDir).ExitCode);

        var result = Sfnn.Run("eval", Path.Combine(outDir, "checkpoint.safetensors"), "--samples", "5", "--data", data, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        Assert.Equal(5, json.RootElement.GetProperty("testSamples").GetInt32());
        Assert.InRange(json.RootElement.GetProperty("testError").GetDouble(), 0, 1);
    }

    [Fact]
    public void Gzip_compressed_idx_files_are_accepted_and_read_as_the_plain_ones()
    {
        string plain = SyntheticIdx.Write(seed: 5), gzipped = SyntheticIdx.Write(seed: 5, gzip: true);
        Assert.All(Directory.GetFiles(gzipped), f => Assert.EndsWith(".gz", f));

        var a = Train(plain, TempDir.Fresh("run"));
        var b = Train(gzipped, TempDir.Fresh("run"));

        Assert.True(b.ExitCode == 0, b.ToString());
        Assert.Equal(Without(a.Stdout, "secondsPerEpoch", "checkpoint"), Without(b.Stdout, "secondsPerEpoch", "checkpoint"));
    }

    [Fact]
    public void Structured_task_trains_on_the_same_files()
    {
        var result = Train(SyntheticIdx.Write(), TempDir.Fresh("run"), "--task", "structured");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        Assert.Equal("structured", json.RootElement.GetProperty("task").GetString());
        Assert.False(json.RootElement.TryGetProperty("testError", out _));
    }

    /// The JSON line without the fields that legitimately differ between two runs.
    static string Without(string line, params string[] names)
    {
        var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        foreach (var n in names) o.Remove(n);
        return o.ToJsonString();
    }
}
