using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Nn.Evaluation;

namespace SimdSfnn.Property.Nn;

/// The sigma grid is numpy's `logspace(-1, 0, 10)`, and the chosen sigma is the grid point
/// whose held-out images score the highest mean log-density.
public sealed class ParzenSigmaTests
{
    [Fact]
    public void The_grid_is_logspace_minus_one_to_zero()
    {
        // numpy.logspace(-1, 0, 10)
        double[] numpy = [0.1, 0.12915496650148839, 0.16681005372000587, 0.21544346900318834, 0.2782559402207124,
                          0.35938136638046275, 0.46415888336127786, 0.5994842503189409, 0.774263682681127, 1.0];
        var grid = ParzenSigma.Grid();
        Assert.Equal(numpy.Length, grid.Length);
        for (int i = 0; i < grid.Length; i++) Assert.Equal(numpy[i], grid[i], 1e-15);
    }

    [Fact]
    public void Picks_the_grid_point_with_the_best_held_out_mean()
    {
        var sets = from sigmas in Gen.Choose(1, 12) from images in Gen.Choose(1, 40) from seed in Gen.Choose(0, int.MaxValue)
                   select (sigmas, images, seed);
        Prop.ForAll(sets.ToArbitrary(), t =>
        {
            var random = new Random(t.seed);
            var heldOut = Enumerable.Range(0, t.sigmas).Select(_ => Enumerable.Range(0, t.images).Select(_ => random.NextDouble() * 400 - 200).ToArray()).ToArray();
            int best = ParzenSigma.Best(heldOut);
            double bestMean = heldOut[best].Average();
            for (int s = 0; s < heldOut.Length; s++)
                Assert.True(heldOut[s].Average() <= bestMean + 1e-9, $"sigma {s} scores {heldOut[s].Average()} > chosen {best}'s {bestMean}");
            return true;
        }).Check(Seeded.Config(200, 7UL));
    }

    [Fact]
    public void A_held_out_mean_that_is_not_a_number_never_wins()
    {
        Assert.Equal(1, ParzenSigma.Best([[double.NaN, 1], [-5, -6], [double.NegativeInfinity, 0]]));
    }

    [Fact]
    public void The_standard_error_is_the_population_std_over_root_n()
    {
        var estimate = MeanEstimate.Of([1.0, 2, 3, 4]);
        Assert.Equal(2.5, estimate.Mean, 1e-15);
        Assert.Equal(Math.Sqrt(1.25) / 2, estimate.StandardError, 1e-15);
    }
}
