using System.Text.Json;

namespace SimdSfnn.Property.Cli;

/// `sfnn bench` on its synthetic data: human lines on stderr, one JSON line on stdout, with
/// how many processors' worth of FMAs its threads had (1 for one thread).
public sealed class BenchCommandTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bench_prints_its_step_time_and_its_threads_fma_scaling(int threads)
    {
        var result = Sfnn.Run("bench", "--estimator", "deterministic", "--layers", "8", "--batch", "4", "--steps", "2", "--rounds", "1",
                              "--threads", threads.ToString());

        var o = Json(result, threads);
        double scaling = o.GetProperty("fmaScaling").GetDouble();
        // one thread is one processor's worth by definition; what two get is a timing, which a
        // test only checks is there
        if (threads == 1) Assert.Equal(1, scaling);
        else Assert.True(double.IsFinite(scaling) && scaling > 0, result.ToString());
        Assert.Contains(threads == 1 ? "1 threads:" : "FMA rate", result.Stderr);
    }

    [Fact]
    public void Bench_without_model_options_times_the_default_network()
    {
        var result = Sfnn.Run("bench", "--estimator", "deterministic", "--batch", "4", "--steps", "1", "--rounds", "1", "--threads", "1");

        var o = Json(result, 1);
        Assert.Equal("200,200", o.GetProperty("layers").GetString());
        Assert.Equal("classify", o.GetProperty("task").GetString());
        Assert.Equal(4, o.GetProperty("batch").GetInt32());
    }

    /// The JSON line of a `bench` that succeeded on `threads` threads, with its timings there
    /// (only there: a test must not depend on how fast the machine is) and no allocation in its
    /// timed steps.
    internal static JsonElement Json(SfnnResult result, int threads)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var o = json.RootElement.Clone();
        Assert.Equal(threads, o.GetProperty("threads").GetInt32());
        Assert.True(o.GetProperty("secondsPerStep").GetDouble() > 0);
        Assert.True(o.GetProperty("examplesPerSecond").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(o.GetProperty("kernelPath").GetString()));
        Assert.Equal(0, o.GetProperty("allocatedBytes").GetInt64());
        return o;
    }
}
