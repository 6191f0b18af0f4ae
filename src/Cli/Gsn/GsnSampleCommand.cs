using System.CommandLine;
using System.Globalization;
using SimdSfnn.Cli.Commands;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.IO.Data;
using SimdSfnn.IO.Imaging;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Gsn;

namespace SimdSfnn.Cli.Gsn;

/// `sfnn sample CHECKPOINT` on a GSN checkpoint: one chain of `--steps N` consecutive mean-field
/// samples started from a test digit (Bengio et al. 2014, Figure 2 top; docs/spec/gsn.md,
/// "Sampling"), written as an IDX file of floats (N x rows x columns, magic 0x00000D03) and a PNG
/// grid of the first 100 consecutive samples, ten per row, the starting digit first. `--inpaint`
/// instead draws conditional chains with the right half clamped, one PNG row per test digit.
internal static class GsnSampleCommand
{
    const int GridColumns = 10, GridRows = 10;

    public static int Run(ParseResult r, string path)
    {
        ArgumentNullException.ThrowIfNull(r);
        var checkpoint = GsnCheckpoint.Load(path);
        int steps = GsnChainSamples.Steps(r);
        bool inpaint = r.GetValue(SfnnOptions.Inpaint);
        ulong seed = r.GetValue(SfnnOptions.Seed) ?? checkpoint.Settings.Seed;
        string digits = r.GetValue(SfnnOptions.Digits) ?? (inpaint ? "0,1,2,3,4,5,6,7,8,9" : "0");
        string output = r.GetValue(SfnnOptions.Out) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, inpaint ? "gsn-inpainting.png" : "gsn-samples.png");
        if (!output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new BadInputException($"option --out wants a .png file, got '{output}'");
        var progress = Progress.ForStandardError();
        var dataset = CommonOptions.LoadData(r, progress);

        var test = dataset.TestImages;
        GsnChainSamples.CheckFits(checkpoint, test, path);
        if (inpaint) return Inpaint(checkpoint, test, SampleCommand.Digits(digits, test.Count), steps, seed, output);
        int digit = GsnChainSamples.StartDigit(digits, test.Count);
        int n0 = checkpoint.Theta.Shape.Visible;
        var start = GsnChainSamples.Image(test, digit);
        var (samples, _) = GsnChainSamples.Draw(checkpoint, test, digit, steps, seed, progress);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        string idx = Path.ChangeExtension(output, ".idx");
        IdxFloatWriter.Write(idx, samples, steps, test.Rows, test.Columns);
        var grid = new DigitGrid(GridRows, GridColumns, test.Columns, test.Rows);
        for (int cell = 0; cell < GridRows * GridColumns && cell <= steps; cell++)
            grid.Set(cell / GridColumns, cell % GridColumns, cell == 0 ? start : samples.AsSpan((cell - 1) * n0, n0));
        grid.Save(output);
        Console.WriteLine(idx);
        Console.WriteLine(output);
        return 0;
    }

    /// Figure 2 bottom (docs/spec/gsn.md, "Conditional sampling"): per digit a chain with the
    /// right half (columns from width / 2) clamped to the digit and the left started from uniform
    /// noise; a row of the clamped start and ten samples taken every steps / 10 steps.
    static int Inpaint(GsnCheckpoint checkpoint, IdxImages test, int[] digits, int steps, ulong seed, string output)
    {
        const int Shown = 10;
        int n0 = test.Rows * test.Columns, every = Math.Max(1, steps / Shown);
        var grid = new DigitGrid(digits.Length, Shown + 1, test.Columns, test.Rows);
        var clamp = new float[n0];
        for (int i = 0; i < n0; i++) clamp[i] = i % test.Columns >= test.Columns / 2 ? 1 : 0;
        var noise = new Random(unchecked((int)seed));
        var samples = new float[every * n0];
        for (int row = 0; row < digits.Length; row++)
        {
            var start = GsnChainSamples.Image(test, digits[row]);
            for (int i = 0; i < n0; i++) if (clamp[i] == 0) start[i] = (float)noise.NextDouble();
            var sampler = new GsnSampler(checkpoint.Theta, checkpoint.Settings.Chain, seed, StreamId.Evaluation(digits[row]));
            sampler.Start(start, clamp);
            grid.Set(row, 0, start);
            grid.SetRowLabel(row, digits[row].ToString(CultureInfo.InvariantCulture));
            for (int column = 1; column <= Shown; column++)
            {
                sampler.Next(samples);
                grid.Set(row, column, samples.AsSpan((every - 1) * n0, n0));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        grid.Save(output);
        Console.WriteLine(output);
        return 0;
    }
}
