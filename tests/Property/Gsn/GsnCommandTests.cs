using System.Buffers.Binary;
using System.Text.Json;
using SimdSfnn.IO.Checkpoints;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Gsn;

/// `sfnn train --task gsn` and `sfnn sample` of its checkpoint, end to end on synthetic 8x8
/// IDX files: the JSON line, the checkpoint, resume bit for bit, the chain's IDX and PNG files,
/// and one-line refusals of bad input.
public sealed class GsnCommandTests
{
    static readonly string[] Tiny = ["--task", "gsn", "--layers", "16,12", "--batch", "20", "--threads", "1", "--held-out-limit", "20"];

    static SfnnResult Train(string data, string outDir, params string[] extra) =>
        Sfnn.Run(["train", "--data", data, "--out", outDir, .. Tiny, .. extra]);

    [Fact]
    public void Train_prints_the_loss_per_epoch_and_resume_continues_bit_for_bit()
    {
        string data = SyntheticIdx.Write(train: 240), straight = TempDir.Fresh("gsn"), split = TempDir.Fresh("gsn");
        var result = Train(data, straight, "--epochs", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var o = json.RootElement;
        Assert.Equal("gsn", o.GetProperty("task").GetString());
        Assert.Equal("64-16-12", o.GetProperty("sizes").GetString());
        Assert.Equal(4, o.GetProperty("walkback").GetInt32());
        Assert.Equal(3, o.GetProperty("trainLoss").GetArrayLength());
        Assert.Equal(3, o.GetProperty("heldOutLoss").GetArrayLength());
        Assert.Equal(3, result.StderrLines.Count(l => l.StartsWith("epoch ", StringComparison.Ordinal)));

        Assert.Equal(0, Train(data, split, "--epochs", "3", "--stop-after", "1").ExitCode);
        var resumed = Train(data, split, "--epochs", "3", "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using var resumedJson = JsonDocument.Parse(Assert.Single(resumed.StdoutLines));
        Assert.Equal(o.GetProperty("trainLoss").ToString(), resumedJson.RootElement.GetProperty("trainLoss").ToString());
        var a = Safetensors.Read(Path.Combine(straight, "checkpoint.safetensors"));
        var b = Safetensors.Read(Path.Combine(split, "checkpoint.safetensors"));
        foreach (var name in a.Names) Assert.Equal(a.Tensor(name), b.Tensor(name));
        Assert.Equal(a.Metadata["trainLoss"], b.Metadata["trainLoss"]);
    }

    [Fact]
    public void Sample_writes_the_chain_as_idx_floats_and_a_png_grid()
    {
        string data = SyntheticIdx.Write(train: 120), run = TempDir.Fresh("gsn");
        Assert.Equal(0, Train(data, run, "--epochs", "1").ExitCode);
        string png = Path.Combine(run, "chain.png");
        var result = Sfnn.Run("sample", Path.Combine(run, "checkpoint.safetensors"), "--data", data, "--steps", "30", "--digits", "3", "--out", png);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(new FileInfo(png).Length > 0);
        var bytes = File.ReadAllBytes(Path.ChangeExtension(png, ".idx"));
        Assert.Equal(0x00000D03, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal([30, 8, 8], Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i))));
        Assert.Equal(16 + 4 * 30 * 64, bytes.Length);
        for (int i = 16; i < bytes.Length; i += 4) Assert.InRange(BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(i)), 0f, 1f);
    }

    [Fact]
    public void Sample_inpaint_writes_one_row_per_digit()
    {
        string data = SyntheticIdx.Write(train: 120), run = TempDir.Fresh("gsn");
        Assert.Equal(0, Train(data, run, "--epochs", "1").ExitCode);
        string png = Path.Combine(run, "inpaint.png");
        var result = Sfnn.Run("sample", Path.Combine(run, "checkpoint.safetensors"), "--data", data, "--inpaint", "--digits", "0,4", "--steps", "20", "--out", png);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(new FileInfo(png).Length > 0);
    }

    [Theory]
    [InlineData("--steps", "0")]
    [InlineData("--digits", "1,2")]
    [InlineData("--digits", "99999")]
    public void Bad_sample_options_are_one_line_and_exit_2(string option, string value)
    {
        string data = SyntheticIdx.Write(train: 120), run = TempDir.Fresh("gsn");
        Assert.Equal(0, Train(data, run, "--epochs", "1").ExitCode);
        var result = Sfnn.Run("sample", Path.Combine(run, "checkpoint.safetensors"), "--data", data, option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [Theory]
    [InlineData("--input-noise", "1.5")]
    [InlineData("--walkback", "0")]
    [InlineData("--estimator", "G3")]
    [InlineData("--decay", "0")]
    public void Bad_train_options_are_one_line_and_exit_2(string option, string value)
    {
        var result = Train(SyntheticIdx.Write(train: 60), TempDir.Fresh("gsn"), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
    }
}
