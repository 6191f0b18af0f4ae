using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Passes;

namespace SimdSfnn.Property.Nn;

/// `NetworkPass` computes the products with sampled states as sums of selected rows (the second
/// layer from the differences to the rounded first-layer probabilities) where they win; forced
/// everywhere, they give the dense products' log-weights, gradient and statistics to rounding,
/// for every estimator, both heads, M = 1 and M > 1, widths off the 16-lane grid.
[Collection(nameof(KernelIsaCollection))]
public sealed class SparseProductsTests
{
    [Fact]
    public void Sparse_products_equal_dense_products()
    {
        Prop.ForAll(PassFixture.Random(1, 2, 3, 7).ToArbitrary(), fixture =>
        {
            var dense = fixture.Run(ProductStrategy.Dense);
            var sparse = fixture.Run(ProductStrategy.Sparse);
            // float sums in another order: relative to the values' size
            static bool Close(float[] a, float[] b) =>
                a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-4f * (1 + Math.Abs(p.First)));
            return Close(dense.logW, sparse.logW) && Close(dense.gradient, sparse.gradient)
                && dense.statistics.Zip(sparse.statistics).All(p => Close(p.First, p.Second));
        }).Check(Seeded.Config(120, 20261130UL));
    }
}
