using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Gsn;

namespace SimdSfnn.Cli.Gsn;

/// The one sampling chain of a GSN checkpoint (docs/spec/gsn.md, "Sampling"): `steps`
/// consecutive mean-field samples started from one test digit, drawn from the stream
/// `StreamId.Evaluation(digit)` of the seed. `sfnn sample` writes it and `sfnn eval` scores it;
/// both draw it here, so the same checkpoint, digit and seed give both commands the same bits.
internal static class GsnChainSamples
{
    /// `--steps N`: the chain's length, the paper's 10000 by default.
    public static int Steps(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.GetValue(SfnnOptions.ChainSteps) ?? 10_000;
    }

    /// The one test index of `--digits` the chain starts from.
    public static int StartDigit(string digits, int testCount) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int digit) && digit < testCount ? digit
        : throw new BadInputException($"option --digits wants the one test index (0 to {testCount - 1}) the GSN chain starts from, got '{digits}'");

    /// Refuses test images that are not the GSN's visible layer.
    public static void CheckFits(GsnCheckpoint checkpoint, IdxImages test, string path)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(test);
        int n0 = checkpoint.Theta.Shape.Visible;
        if (test.Rows * test.Columns != n0)
            throw new BadInputException($"{path}: the GSN has {n0} visible units, but the test images have {test.Rows}x{test.Columns} pixels");
    }

    /// The chain's `steps` samples, one row of n_0 values each, and the seconds they took (also
    /// said in a line on stderr).
    public static (float[] Samples, double Seconds) Draw(GsnCheckpoint checkpoint, IdxImages test, int digit, int steps, ulong seed, Progress progress)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(progress);
        int n0 = checkpoint.Theta.Shape.Visible;
        var sampler = new GsnSampler(checkpoint.Theta, checkpoint.Settings.Chain, seed, StreamId.Evaluation(digit));
        sampler.Start(Image(test, digit));
        var samples = new float[checked(steps * n0)];
        long started = Stopwatch.GetTimestamp();
        sampler.Next(samples);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        progress.Message(string.Create(CultureInfo.InvariantCulture, $"{steps} chain steps from test digit {digit} in {seconds:F2} s ({steps / seconds:F0} steps/s)"));
        return (samples, seconds);
    }

    /// Test image `index`, scaled to [0, 1].
    public static float[] Image(IdxImages images, int index)
    {
        ArgumentNullException.ThrowIfNull(images);
        int n = images.Rows * images.Columns;
        var pixels = images.Pixels.Span.Slice(index * n, n);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = pixels[i] / 255f;
        return x;
    }
}
