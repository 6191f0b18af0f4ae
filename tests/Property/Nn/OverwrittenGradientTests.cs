using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Passes;

namespace SimdSfnn.Property.Nn;

/// A pass told to overwrite the gradient writes every entry of it (a buffer full of NaN comes
/// out clean) with what a pass adding to a zero buffer gives, on every path: dense, sums of
/// selected rows and differences, every estimator, both heads.
[Collection(nameof(KernelIsaCollection))]
public sealed class OverwrittenGradientTests
{
    static Gen<(PassFixture fixture, ProductStrategy products)> Cases =>
        from fixture in PassFixture.Random(1, 3, 7)
        from products in Gen.Elements(ProductStrategy.Auto, ProductStrategy.Dense, ProductStrategy.Sparse)
        select (fixture, products);

    [Fact]
    public void Overwriting_equals_adding_to_zero()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var added = c.fixture.Run(c.products);
            var overwritten = c.fixture.Run(c.products, overwrite: true);
            // value equality: a stored 0 may be -0 where 0 + (-0) gave +0
            return added.gradient.Zip(overwritten.gradient).All(p => p.First == p.Second);
        }).Check(Seeded.Config(120, 20261126UL));
    }
}
