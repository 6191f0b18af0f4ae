using System.Diagnostics;
using System.Globalization;
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
/// grid of the first 100 consecutive samples, ten per row, the starting digit first.
public static class GsnSampleCommand
{
    const int GridColumns = 10, GridRows = 10;

    public static int Run(ArgumentReader args, string path)
    {
        ArgumentNullException.ThrowIfNull(args);
        var checkpoint = GsnCheckpoint.Load(path);
        int steps = args.Count("steps", 10_000, 1, 1_000_000);
        ulong seed = args.Seed("seed", checkpoint.Settings.Seed);
        string digits = args.Text("digits", "0");
        string output = args.Text("out", Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "gsn-samples.png"));
        if (!output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new BadInputException($"option --out wants a .png file, got '{output}'");
        var dataset = CommonOptions.Data(args, Progress.ForStandardError());
        args.RefuseUnknown(1);

        var test = dataset.TestImages;
        int n0 = checkpoint.Theta.Shape.Visible;
        if (test.Rows * test.Columns != n0)
            throw new BadInputException($"{path}: the GSN has {n0} visible units, but the test images have {test.Rows}x{test.Columns} pixels");
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int digit) || digit >= test.Count)
            throw new BadInputException($"option --digits wants the one test index (0 to {test.Count - 1}) the GSN chain starts from, got '{digits}'");

        var start = new float[n0];
        var pixels = test.Pixels.Span.Slice(digit * n0, n0);
        for (int i = 0; i < n0; i++) start[i] = pixels[i] / 255f;
        var sampler = new GsnSampler(checkpoint.Theta, checkpoint.Settings.Chain, seed, StreamId.Evaluation(digit));
        sampler.Start(start);
        var samples = new float[checked(steps * n0)];
        var clock = Stopwatch.StartNew();
        sampler.Next(samples);
        double seconds = clock.Elapsed.TotalSeconds;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        string idx = Path.ChangeExtension(output, ".idx");
        IdxFloatWriter.Write(idx, samples, steps, test.Rows, test.Columns);
        var grid = new DigitGrid(GridRows, GridColumns, test.Columns, test.Rows);
        for (int cell = 0; cell < GridRows * GridColumns && cell <= steps; cell++)
            grid.Set(cell / GridColumns, cell % GridColumns, cell == 0 ? start : samples.AsSpan((cell - 1) * n0, n0));
        grid.Save(output);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{steps} chain steps in {seconds:F2} s ({steps / seconds:F0} steps/s)"));
        Console.WriteLine(idx);
        Console.WriteLine(output);
        return 0;
    }
}
