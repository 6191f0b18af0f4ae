using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Lab;

/// The enumeration's own bookkeeping: the configurations form a distribution, the limit on
/// `H * M` holds, and the largest allowed size stays quick.
public sealed class ExactEnumerationTests
{
    [Fact]
    public void Configuration_probabilities_sum_to_one() =>
        Prop.ForAll(TinyNetworks.Cases(), tiny =>
        {
            var table = new ConfigurationTable(tiny.Network, cache: false);
            double total = table.LogPrior.Sum(Math.Exp);
            return Math.Abs(total - 1) < 1e-12;
        }).Check(Seeded.Config(100, 31UL));

    [Fact]
    public void More_than_twenty_bits_are_refused()
    {
        var net = TinyNetworks.Network(new NetworkShape([2, 3, 2, 2], OutputHead.Softmax), new Random(1));
        var error = Assert.Throws<ArgumentException>(() => ExactEnumeration.Compute(net, samples: 5));
        Assert.Contains("H*M = 5*5 = 25", error.Message);
    }

    [Fact]
    public void Twenty_bits_give_finite_moments()
    {
        var net = TinyNetworks.Network(new NetworkShape([2, 3, 2, 2], OutputHead.Bernoulli), new Random(2));
        var exact = ExactEnumeration.Compute(net, samples: 4);
        foreach (var kind in Enum.GetValues<EstimatorKind>())
            Assert.All(exact.Variance(kind), v => Assert.True(double.IsFinite(v) && v >= 0));
        Assert.True(exact.Objective <= exact.LogLikelihood);
    }
}
