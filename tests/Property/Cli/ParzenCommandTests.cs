using System.Text.Json.Nodes;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Workers;

namespace SimdSfnn.Property.Cli;

/// `sfnn parzen` on a synthetic data set of 4 x 5 images: sample files of bytes and of floats
/// give the JSON line, whose numbers are the estimator's own; bad input is one line and exit 2.
public sealed class ParzenCommandTests
{
    const int Rows = 4, Columns = 5, Pixels = Rows * Columns;
    // 120 training images: the last sixth, 20, are held out
    static readonly string Data = SyntheticIdx.Write(train: 120, test: 30, rows: Rows, columns: Columns, seed: 11);

    static byte[] SampleBytes(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * Pixels];
        random.NextBytes(pixels);
        return pixels;
    }

    static string File(string name, byte[] bytes)
    {
        string path = Path.Combine(TempDir.Create("parzen"), name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    static JsonObject Json(SfnnResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(Assert.Single(result.StdoutLines))!.AsObject();
    }

    /// The mean test log-density under `samples` at `sigma`, computed here.
    static double Expected(float[] samples, double sigma)
    {
        var test = IdxFloats.ReadRows(Path.Combine(Data, SyntheticIdx.TestImages));
        using var pool = new WorkerPool(1);
        return MeanEstimate.Of(new ParzenWindow(samples, Pixels, pool).LogDensities(test.Values, [sigma])[0]).Mean;
    }

    [Fact]
    public void A_file_of_bytes_gives_the_json_line_with_sigma_from_the_grid()
    {
        var pixels = SampleBytes(40, 1);
        string samples = File("samples-idx3-ubyte", SyntheticIdx.Images(40, Rows, Columns, pixels));

        var o = Json(Sfnn.Run("parzen", samples, "--data", Data, "--threads", "2"));

        Assert.Equal(40, (int)o["samples"]!);
        Assert.Equal(20, (int)o["validImages"]!);
        Assert.Equal(30, (int)o["testImages"]!);
        var grid = o["sigmaGrid"]!.AsArray().Select(s => (double)s!).ToArray();
        Assert.Equal(ParzenSigma.Grid().Select(s => Math.Round(s, 6)), grid);
        var valid = o["validLogLikelihoods"]!.AsArray().Select(v => (double)v!).ToArray();
        double sigma = (double)o["sigma"]!;
        Assert.Equal(grid[Array.IndexOf(valid, valid.Max())], sigma);
        Assert.Equal(valid.Max(), (double)o["validLogLikelihood"]!);
        var values = pixels.Select(b => b / 255f).ToArray();
        double exactSigma = ParzenSigma.Grid()[Array.IndexOf(grid, sigma)];
        Assert.Equal(Expected(values, exactSigma), (double)o["testLogLikelihood"]!, 1e-5);
        Assert.True((double)o["standardError"]! > 0);
        Assert.Equal(Expected(values, 0.2), (double)o["testLogLikelihoodSigma020"]!, 1e-5);
    }

    [Fact]
    public void A_file_of_floats_with_a_given_sigma()
    {
        var random = new Random(2);
        var values = Enumerable.Range(0, 25 * Pixels).Select(_ => (float)random.NextDouble()).ToArray();
        string samples = Path.Combine(TempDir.Create("parzen"), "chain.idx");
        IdxFloats.Write(samples, values, 25, Rows, Columns);

        var o = Json(Sfnn.Run("parzen", samples, "--data", Data, "--sigma", "0.3", "--threads", "1"));

        Assert.Equal(25, (int)o["samples"]!);
        Assert.Equal(0.3, (double)o["sigma"]!);
        Assert.Equal([0.3], o["sigmaGrid"]!.AsArray().Select(s => (double)s!));
        Assert.Equal(Expected(values, 0.3), (double)o["testLogLikelihood"]!, 1e-5);
    }

    [Fact]
    public void Training_images_as_the_window_and_a_limit()
    {
        var o = Json(Sfnn.Run("parzen", "--training-images", "60", "--data", Data, "--limit", "7"));

        Assert.Equal(60, (int)o["samples"]!);
        Assert.Equal(7, (int)o["validImages"]!);
        Assert.Equal(7, (int)o["testImages"]!);
        Assert.Equal("training-images", (string)o["source"]!);
    }

    public static TheoryData<string, string[]> BadInputs()
    {
        string good = File("good", SyntheticIdx.Images(3, Rows, Columns, SampleBytes(3, 3)));
        return new()
        {
            { "no such file", ["parzen", "/nonexistent/samples.idx", "--data", Data] },
            { "rows of 16 values", ["parzen", File("narrow", SyntheticIdx.Images(3, 4, 4, SampleBytes(3, 4)[..48])), "--data", Data] },
            { "not an IDX file", ["parzen", File("text", "hello, world\n"u8.ToArray()), "--data", Data] },
            { "--sigma", ["parzen", good, "--data", Data, "--sigma", "0"] },
            { "--sigma", ["parzen", good, "--data", Data, "--sigma", "-1"] },
            { "--sigma", ["parzen", good, "--data", Data, "--sigma", "wide"] },
            { "--training-images", ["parzen", "--training-images", "101", "--data", Data] },
            { "not both", ["parzen", good, "--training-images", "5", "--data", Data] },
            { "needs a sample file", ["parzen", "--data", Data] },
            { "rows of 16 values", ["parzen", good, "--validation", File("narrow", SyntheticIdx.Images(3, 4, 4, SampleBytes(3, 4)[..48])), "--data", Data] },
            { "--bogus", ["parzen", good, "--bogus", "1", "--data", Data] },
        };
    }

    [Theory, MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_and_exit_2(string problem, string[] args)
    {
        var result = Sfnn.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(problem, line, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(result.Stdout);
    }
}
