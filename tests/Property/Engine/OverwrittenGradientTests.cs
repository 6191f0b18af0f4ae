using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Engine;

namespace SimdSfnn.Property.Engine;

/// A pass told to overwrite the gradient writes every entry of it (a buffer full of NaN comes
/// out clean) with what a pass adding to a zero buffer gives, on every path: dense, sums of
/// selected rows and differences, every estimator, both heads.
[Collection(nameof(KernelIsaCollection))]
public sealed class OverwrittenGradientTests
{
    static Gen<(int estimator, int samples, int examples, bool bernoulli, int products, int seed)> Cases =>
        from estimator in Gen.Choose(0, EstimatorRegistry.Names.Length - 1)
        from samples in Gen.Elements(1, 3, 7)
        from examples in Gen.Choose(1, 5)
        from bernoulli in Gen.Elements(false, true)
        from products in Gen.Choose(0, 2)
        from seed in Gen.Choose(0, int.MaxValue)
        select (estimator, samples, examples, bernoulli, products, seed);

    [Fact]
    public void Overwriting_equals_adding_to_zero()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var fixture = new PassFixture((EstimatorKind)c.estimator, c.samples, c.examples, c.bernoulli, c.seed);
            var products = (ProductStrategy)c.products;
            var added = fixture.Run(products);
            var overwritten = fixture.Run(products, overwrite: true);
            // value equality: a stored 0 may be -0 where 0 + (-0) gave +0
            return added.gradient.Zip(overwritten.gradient).All(p => p.First == p.Second);
        }).Check(Seeded.Config(120, 20261126UL));
    }
}
