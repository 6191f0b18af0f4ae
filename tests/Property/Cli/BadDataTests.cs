using System.Buffers.Binary;

namespace SimdSfnn.Property.Cli;

/// Damaged IDX files: `train` and `eval` print one line naming the file and the problem, exit
/// with code 2, and leave no run folder behind.
public sealed class BadDataTests
{
    /// Each case damages one file of a fresh synthetic data set; `problem` is part of the message.
    public static TheoryData<string, string, string> Damages => new()
    {
        { "truncated", SyntheticIdx.TrainImages, "truncated" },
        { "extended", SyntheticIdx.TrainImages, "unexpected bytes" },
        { "header-only", SyntheticIdx.TestLabels, "truncated" },
        { "empty", SyntheticIdx.TestImages, "truncated" },
        { "magic", SyntheticIdx.TrainLabels, "magic" },
        { "float-dtype", SyntheticIdx.TrainImages, "type" },
        { "count", SyntheticIdx.TrainLabels, "labels" },
        { "huge-count", SyntheticIdx.TrainImages, "truncated" },
        { "zero-rows", SyntheticIdx.TestImages, "image size" },
        { "bad-gzip", SyntheticIdx.TrainImages, "gzip" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Train_refuses_a_damaged_file_naming_it(string damage, string file, string problem)
    {
        string data = SyntheticIdx.Write(), outDir = TempDir.Fresh("run");
        Damage(Path.Combine(data, file), damage);

        var result = Sfnn.Run(["train", "--data", data, "--out", outDir, .. Sfnn.Tiny]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(file, line);
        Assert.Contains(problem, line, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(outDir), "a refused run must not leave its folder");
    }

    [Fact]
    public void Train_and_test_images_of_different_sizes_are_refused()
    {
        string data = SyntheticIdx.Write(), other = SyntheticIdx.Write(rows: 6, columns: 6);
        File.Copy(Path.Combine(other, SyntheticIdx.TestImages), Path.Combine(data, SyntheticIdx.TestImages), overwrite: true);
        File.Copy(Path.Combine(other, SyntheticIdx.TestLabels), Path.Combine(data, SyntheticIdx.TestLabels), overwrite: true);

        var result = Sfnn.Run(["train", "--data", data, "--out", TempDir.Fresh("run"), .. Sfnn.Tiny]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("6x6", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Missing_file_is_named()
    {
        string data = SyntheticIdx.Write();
        File.Delete(Path.Combine(data, SyntheticIdx.TestLabels));

        var result = Sfnn.Run(["train", "--data", data, "--out", TempDir.Fresh("run"), .. Sfnn.Tiny]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(SyntheticIdx.TestLabels, Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Eval_on_data_of_another_shape_names_the_checkpoint()
    {
        string data = SyntheticIdx.Write(), outDir = TempDir.Fresh("run");
        Assert.Equal(0, Sfnn.Run(["train", "--data", data, "--out", outDir, .. Sfnn.Tiny]).ExitCode);

        var result = Sfnn.Run("eval", Path.Combine(outDir, "checkpoint.safetensors"), "--data", SyntheticIdx.Write(rows: 6, columns: 6));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("checkpoint.safetensors", Assert.Single(result.StderrLines));
    }

    static void Damage(string path, string damage)
    {
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncated": bytes = bytes[..^7]; break;
            case "extended": bytes = [.. bytes, 1, 2, 3]; break;
            case "header-only": bytes = bytes[..6]; break;
            case "empty": bytes = []; break;
            case "magic": BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0801_0000); break;
            case "float-dtype": bytes[2] = 0x0D; break;
            case "count": BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)) - 1); bytes = bytes[..^1]; break;
            case "huge-count": BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), int.MaxValue); break;
            case "zero-rows": BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 0); break;
            case "bad-gzip": bytes = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, .. bytes[..40]]; break;
            default: throw new ArgumentException(damage);
        }
        File.WriteAllBytes(path, bytes);
    }
}
