using SimdSfnn.Cli.Gsn;
using SimdSfnn.Nn.Gsn;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Gsn;

/// `sfnn bench --task gsn` on a tiny GSN: one JSON line with the step's time, its threads and
/// kernel path, and no allocation in its timed steps; and its floor of dense products.
public sealed class GsnBenchCommandTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bench_gsn_prints_its_step_time_as_json(int threads)
    {
        var result = Sfnn.Run("bench", "--task", "gsn", "--layers", "16,12", "--batch", "10", "--steps", "3", "--rounds", "1",
                              "--threads", threads.ToString());

        var o = BenchCommandTests.Json(result, threads);
        Assert.Equal("gsn", o.GetProperty("task").GetString());
        Assert.Equal("784-16-12", o.GetProperty("sizes").GetString());
        Assert.Equal(4, o.GetProperty("walkback").GetInt32());
        Assert.Equal(GsnDenseFloor.FlopsPerStep(new GsnShape([784, 16, 12]), 4, 10) / 1e9, o.GetProperty("denseGflopPerStep").GetDouble(), 4);
        Assert.Contains("gsn 784-16-12 walkback 4 batch 10", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--walkback", "0")]
    [InlineData("--phases", null)]
    [InlineData("--estimator", "G3")]
    [InlineData("--steps", "0")]
    public void Bad_bench_gsn_options_are_one_line_and_exit_2(string option, string? value)
    {
        var result = Sfnn.Run(["bench", "--task", "gsn", "--layers", "8", option, .. value is null ? Array.Empty<string>() : [value]]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    /// For GSN-2 the chain's products add up to 2 B (5 T n0 n1 + 6 (T - 1) n1 n2) FLOPs: per step
    /// W_1 x, W_1^T h_1 and (but at the last) W_2 h_1 and W_2^T h_2 (but at the first), each
    /// three times over with its backward except W_1 x, twice.
    [Theory]
    [InlineData(784, 1500, 1500, 4, 100)]
    [InlineData(20, 16, 12, 1, 3)]
    [InlineData(64, 32, 8, 7, 10)]
    public void The_gsn2_floor_is_the_count_by_hand(int n0, int n1, int n2, int walkback, int batch)
    {
        double expected = 2.0 * batch * (5.0 * walkback * n0 * n1 + 6.0 * (walkback - 1) * n1 * n2);

        Assert.Equal(expected, GsnDenseFloor.FlopsPerStep(new GsnShape([n0, n1, n2]), walkback, batch));
    }

    [Fact]
    public void The_gsn1_floor_is_five_products_a_step()
    {
        Assert.Equal(2.0 * 10 * 5 * 3 * 20 * 16, GsnDenseFloor.FlopsPerStep(new GsnShape([20, 16]), 3, 10));
    }
}
