using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Workers;

namespace SimdSfnn.Cli.Commands;

/// `sfnn parzen SAMPLES`: the Parzen log-likelihood of the test images under the samples of an
/// IDX file (Bengio et al. 2013, Table 1), with sigma chosen on held-out images from
/// `logspace(-1, 0, 10)` unless `--sigma` fixes it. `--training-images N` puts the window on the
/// first N training images instead (Table 1's last column). The held-out images are
/// `HeldOutImages` or `--validation FILE`.
internal static class ParzenCommand
{
    /// The sigma of the GSN authors' code, reported beside the chosen one (docs/spec/gsn.md).
    const double CodeSigma = 0.20;

    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int trainingImages = r.GetValue(SfnnOptions.TrainingImages) ?? 0;
        string? samplePath = r.GetValue(CommandTree.ParzenSamples);
        if (trainingImages == 0 && samplePath is null)
            throw new BadInputException("parzen needs a sample file: sfnn parzen SAMPLES [--sigma X] (or sfnn parzen --training-images N)");
        if (trainingImages > 0 && samplePath is not null)
            throw new BadInputException($"parzen takes a sample file or --training-images, not both (got '{samplePath}')");
        var (sigma, limit) = ScoringOptions(r);
        int threads = CommonOptions.ThreadCount(r);
        string? validationPath = r.GetValue(SfnnOptions.Validation);

        // the sample and validation files first: a bad one is refused before MNIST is read
        var sampleFile = trainingImages > 0 ? null : ReadRows(samplePath!);
        var validationFile = validationPath is null ? null : ReadRows(validationPath);
        var progress = Progress.ForStandardError();
        var dataset = CommonOptions.LoadData(r, progress);
        int pixels = dataset.TestImages.Rows * dataset.TestImages.Columns;
        int heldOutCount = dataset.TrainImages.Count / 6;
        var samples = sampleFile is null ? TrainingImages(dataset, trainingImages, heldOutCount) : Fitting(sampleFile, samplePath!, pixels);
        var heldOut = validationFile is not null ? Fitting(validationFile, validationPath!, pixels) : HeldOutImages(dataset);
        string source = trainingImages > 0 ? $"the first {trainingImages} training images" : samplePath!;
        var o = Evaluate(samples, heldOut, validationPath ?? "--data", TestImages(dataset), sigma, limit, threads, progress, source);
        o["source"] = trainingImages > 0 ? "training-images" : samplePath!;
        Console.WriteLine(JsonLine.Write(o));
        return 0;
    }

    /// `--sigma X` (null: chosen on the held-out images) and `--limit N` (images scored of each set).
    public static (double? Sigma, int Limit) ScoringOptions(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return (r.GetValue(SfnnOptions.Sigma), r.GetValue(SfnnOptions.Limit) ?? int.MaxValue);
    }

    /// Bengio et al. 2013's Table 1 protocol on rows already read (of equal widths): the window
    /// on `samples`, sigma the best of `ParzenSigma.Grid()` on the first `limit` of `heldOut`
    /// (or `sigma`), the mean log-likelihood of the first `limit` of `test` and its standard
    /// error there and at the code's 0.20. Progress goes to `progress`; the result is the JSON
    /// object `parzen` prints, and `sfnn eval` of a GSN checkpoint prints for its chain.
    /// `heldOutSource` names the held-out images in the refusal when there are none.
    public static JsonObject Evaluate(FloatRows samples, FloatRows heldOut, string heldOutSource, FloatRows test, double? sigma, int limit,
                                      int threads, Progress progress, string source)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(progress);
        if (heldOut.Count == 0) throw new BadInputException($"{heldOutSource}: no held-out images to choose sigma on");
        heldOut = First(heldOut, limit);
        test = First(test, limit);
        if (heldOut.Width != samples.Width || test.Width != samples.Width)
            throw new ArgumentException($"rows of {samples.Width}, {heldOut.Width} and {test.Width} values: the samples, held-out and test images must be as wide");
        double[] grid = sigma is { } fixedSigma ? [fixedSigma] : ParzenSigma.Grid();
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"parzen: {samples.Count} samples of {samples.Width} values ({source}); sigma {(sigma is null ? $"chosen on {heldOut.Count} held-out images" : "given")}; {test.Count} test images; {threads} threads"));

        long started = Stopwatch.GetTimestamp();
        using var pool = new WorkerPool(threads);
        var window = new ParzenWindow(samples.Values, samples.Width, pool);
        var heldOutDensities = window.LogDensities(heldOut.Values, grid);
        int best = ParzenSigma.Best(heldOutDensities);
        var heldOutScores = heldOutDensities.Select(d => MeanEstimate.Of(d)).ToArray();
        for (int s = 0; s < grid.Length; s++)
            progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"  sigma {grid[s]:F4}  held-out {heldOutScores[s].Mean:F2} +- {heldOutScores[s].StandardError:F2}{(s == best ? "  <- best" : "")}"));
        progress.Message(string.Create(CultureInfo.InvariantCulture, $"held-out images scored in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s"));

        var testDensities = window.LogDensities(test.Values, [grid[best], CodeSigma]);
        var testScore = MeanEstimate.Of(testDensities[0]);
        var codeSigmaScore = MeanEstimate.Of(testDensities[1]);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (productSeconds, scoringSeconds) = window.WorkerSeconds;
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"worker time: products {productSeconds:F2} s ({2.0 * window.Samples * samples.Width * (heldOut.Count + test.Count) / productSeconds / 1e9:F1} GFLOP/s per worker), log-mean-exp {scoringSeconds:F2} s"));
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"test log-likelihood {testScore.Mean:F2} +- {testScore.StandardError:F2} at sigma {grid[best]:F4} ({codeSigmaScore.Mean:F2} +- {codeSigmaScore.StandardError:F2} at sigma {CodeSigma:F2}); {seconds:F2} s"));

        var o = new JsonObject
        {
            ["samples"] = samples.Count,
            ["sigma"] = JsonLine.Number(grid[best]),
            ["sigmaGrid"] = new JsonArray(grid.Select(s => JsonLine.Number(s)).ToArray()),
            ["validLogLikelihoods"] = new JsonArray(heldOutScores.Select(s => JsonLine.Number(s.Mean)).ToArray()),
            ["validLogLikelihood"] = JsonLine.Number(heldOutScores[best].Mean),
            ["validImages"] = heldOut.Count,
            ["testLogLikelihood"] = JsonLine.Number(testScore.Mean),
            ["standardError"] = JsonLine.Number(testScore.StandardError),
            ["testLogLikelihoodSigma020"] = JsonLine.Number(codeSigmaScore.Mean),
            ["standardErrorSigma020"] = JsonLine.Number(codeSigmaScore.StandardError),
            ["testImages"] = test.Count,
            ["threads"] = threads,
            ["seconds"] = Math.Round(seconds, 3), // the two products and their scoring, without reading the files
        };
        return o;
    }

    /// The images that choose sigma: the last sixth of the training set (MNIST: train[50000:60000],
    /// which the GSN does not train on), scaled to [0, 1].
    public static FloatRows HeldOutImages(Dataset dataset)
    {
        int count = dataset.TrainImages.Count / 6;
        return Images(dataset.TrainImages, dataset.TrainImages.Count - count, count);
    }

    /// The test images, scaled to [0, 1].
    public static FloatRows TestImages(Dataset dataset) => Images(dataset.TestImages, 0, dataset.TestImages.Count);

    /// The rows of an IDX file of bytes or floats; at least one.
    static FloatRows ReadRows(string path)
    {
        var rows = IdxFloats.ReadRows(path);
        return rows.Count > 0 ? rows : throw new BadInputException($"{path}: holds no rows");
    }

    /// `rows`, which must be as wide as the test images.
    static FloatRows Fitting(FloatRows rows, string path, int pixels) =>
        rows.Width == pixels ? rows : throw new BadInputException($"{path}: rows of {rows.Width} values, but the test images have {pixels} pixels");

    /// The first `count` training images, which must not reach into the held-out ones.
    static FloatRows TrainingImages(Dataset dataset, int count, int heldOut)
    {
        int available = dataset.TrainImages.Count - heldOut;
        if (count > available)
            throw new BadInputException($"option --training-images must be at most {available} (the training images before the {heldOut} held-out ones), got {count}");
        return Images(dataset.TrainImages, 0, count);
    }

    /// Images `first .. first + count` of an IDX image file, scaled to [0, 1].
    static FloatRows Images(IdxImages images, int first, int count)
    {
        int pixels = images.Rows * images.Columns;
        var bytes = images.Pixels.Span.Slice(first * pixels, count * pixels);
        var values = new float[bytes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = bytes[i] / 255f;
        return new FloatRows(count, pixels, values);
    }

    static FloatRows First(FloatRows rows, int limit) =>
        rows.Count <= limit ? rows : new FloatRows(limit, rows.Width, rows.Values.AsSpan(0, limit * rows.Width).ToArray());
}
