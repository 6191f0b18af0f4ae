using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Engine;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Engine;

/// `NetworkPass` computes the products with sampled states as sums of selected rows (the second
/// layer from the differences to the rounded first-layer probabilities) where they win; forced
/// everywhere, they give the dense products' log-weights, gradient and statistics to rounding,
/// for every estimator, both heads, M = 1 and M > 1, widths off the 16-lane grid.
[Collection(nameof(KernelIsaCollection))]
public sealed class SparseProductsTests
{
    static Gen<(int estimator, int samples, int examples, bool bernoulli, int seed)> Cases =>
        from estimator in Gen.Choose(0, EstimatorRegistry.Names.Length - 1)
        from samples in Gen.Elements(1, 2, 3, 7)
        from examples in Gen.Choose(1, 5)
        from bernoulli in Gen.Elements(false, true)
        from seed in Gen.Choose(0, int.MaxValue)
        select (estimator, samples, examples, bernoulli, seed);

    [Fact]
    public void Sparse_products_equal_dense_products()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var kind = (EstimatorKind)c.estimator;
            var rnd = new Random(c.seed);
            var head = c.bernoulli ? OutputHead.Bernoulli : OutputHead.Softmax;
            int[] sizes = c.bernoulli ? [11, 17, 35, 9, 7] : [13, 21, 18, 5];
            var shape = new NetworkShape(sizes, head);
            var theta = TinyData.RandomParameters(shape, seed: c.seed, scale: 1.5); // some units saturate, some do not
            var estimator = EstimatorRegistry.Create(kind, shape.Sizes[1..^1]);
            int M = estimator.SamplesHidden ? c.samples : 1, E = c.examples;
            var x = new float[E * shape.Inputs];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rnd.NextDouble() * 2 - 1);
            var labels = Enumerable.Range(0, E).Select(_ => rnd.Next(shape.Outputs)).ToArray();
            var targets = new float[c.bernoulli ? E * shape.Outputs : 0];
            for (int i = 0; i < targets.Length; i++) targets[i] = rnd.Next(2);

            (float[] logW, float[] gradient, float[][] statistics) Run(ProductStrategy products)
            {
                var pass = new NetworkPass(shape, E, M) { Products = products };
                for (int e = 0; e < E; e++)
                {
                    x.AsSpan(e * shape.Inputs, shape.Inputs).CopyTo(pass.Input(e));
                    pass.Stream(e) = RandomStream.Create((ulong)c.seed, (ulong)e);
                }
                var gradient = new Parameters(shape);
                var statistics = shape.Sizes[1..^1].Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
                pass.Forward(theta, E, M, estimator.SamplesHidden, labels, targets);
                pass.Backward(theta, estimator, gradient, labels, targets, statistics);
                var logW = Enumerable.Range(0, E).SelectMany(e => pass.LogWeights(e).ToArray()).ToArray();
                return (logW, gradient.Data, statistics);
            }
            var dense = Run(ProductStrategy.Dense);
            var sparse = Run(ProductStrategy.Sparse);
            // float sums in another order: relative to the values' size
            static bool Close(float[] a, float[] b) =>
                a.Length == b.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-4f * (1 + Math.Abs(p.First)));
            return Close(dense.logW, sparse.logW) && Close(dense.gradient, sparse.gradient)
                && dense.statistics.Zip(sparse.statistics).All(p => Close(p.First, p.Second));
        }).Check(Seeded.Config(120, 20261130UL));
    }
}
