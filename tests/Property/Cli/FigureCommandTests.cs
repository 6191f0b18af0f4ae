using System.Text.Json;

namespace SimdSfnn.Property.Cli;

/// The structured task's pictures: `eval --curve` (Figure 2) and `sample` (Figure 3) write
/// real PNG files, and the curve's CSV ends at the evaluation's own `C_M`.
public sealed class FigureCommandTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    static (string Data, string Checkpoint) TrainStructured()
    {
        string data = SyntheticIdx.Write(), outDir = TempDir.Fresh("run");
        var result = Sfnn.Run(["train", "--data", data, "--out", outDir, "--task", "structured", .. Sfnn.Tiny]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return (data, Path.Combine(outDir, "checkpoint.safetensors"));
    }

    [Fact]
    public void Eval_curve_writes_csv_and_png_ending_at_the_reported_criterion()
    {
        var (data, checkpoint) = TrainStructured();
        string figures = TempDir.Fresh("figures");

        var result = Sfnn.Run("eval", checkpoint, "--samples", "12", "--curve", "--out", figures, "--data", data, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        double reported = json.RootElement.GetProperty("testLogLikelihood").GetDouble();
        var rows = File.ReadAllLines(Path.Combine(figures, "curve.csv"));
        Assert.Equal("M,C_M", rows[0]);
        Assert.Equal(13, rows.Length);
        Assert.Equal(reported, double.Parse(rows[^1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Equal(PngSignature, File.ReadAllBytes(Path.Combine(figures, "curve.png")).Take(8));
    }

    [Fact]
    public void Sample_writes_a_png_grid_and_refuses_a_classifier()
    {
        var (data, checkpoint) = TrainStructured();
        string png = Path.Combine(TempDir.Fresh("figures"), "grid.png");

        var result = Sfnn.Run("sample", checkpoint, "--ambiguous", "3", "--search", "20", "--completions", "4", "--out", png, "--data", data);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(png, Assert.Single(result.StdoutLines));
        Assert.Equal(PngSignature, File.ReadAllBytes(png).Take(8));

        string classifierRun = TempDir.Fresh("run");
        Assert.Equal(0, Sfnn.Run(["train", "--data", data, "--out", classifierRun, .. Sfnn.Tiny]).ExitCode);
        var refused = Sfnn.Run("sample", Path.Combine(classifierRun, "checkpoint.safetensors"), "--data", data);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("structured", refused.Stderr);
    }
}
