using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// A pass that reads the weights from shared `WeightLayouts` (prepared in parts, as the workers
/// of a step do) computes exactly what a pass that lays them out itself computes: the same
/// panels and the same rows are summed in the same order, so the bits agree.
[Collection(nameof(KernelIsaCollection))]
public sealed class WeightLayoutsTests
{
    static Gen<(PassFixture fixture, bool sparse, int parts)> Cases =>
        from fixture in PassFixture.Random(1, 3, 7)
        from sparse in Gen.Elements(false, true)
        from parts in Gen.Choose(1, 3)
        select (fixture, sparse, parts);

    [Fact]
    public void Shared_layouts_give_the_same_bits()
    {
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var fixture = c.fixture;
            var layouts = new WeightLayouts(fixture.Shape, secondTransposed: fixture.Samples > 1);
            for (int part = c.parts - 1; part >= 0; part--) layouts.Prepare(fixture.Theta, part, c.parts);
            var products = c.sparse ? ProductStrategy.Sparse : ProductStrategy.Auto;
            var own = fixture.Run(products);
            var shared = fixture.Run(products, layouts);
            return own.logW.AsSpan().SequenceEqual(shared.logW) && own.gradient.AsSpan().SequenceEqual(shared.gradient);
        }).Check(Seeded.Config(80, 20261123UL));
    }

    [Fact]
    public void Layouts_without_the_transposed_second_layer_are_refused_for_several_samples()
    {
        var shape = new NetworkShape([13, 21, 18, 5], OutputHead.Softmax);
        var theta = TinyData.RandomParameters(shape, seed: 1, scale: 1);
        var layouts = new WeightLayouts(shape, secondTransposed: false);
        layouts.Prepare(theta, 0, 1);
        var pass = new NetworkPass(shape, 1, 2);
        Assert.Throws<ArgumentException>(() => pass.Forward(theta, 1, 2, true, [0], default, layouts));
        pass.Forward(theta, 1, 1, true, [0], default, layouts); // one sample needs no W_2^T
    }

    [Fact]
    public void Layouts_of_other_parameters_are_refused()
    {
        var shape = new NetworkShape([13, 21, 18, 5], OutputHead.Softmax);
        var layouts = new WeightLayouts(shape, secondTransposed: true);
        layouts.Prepare(TinyData.RandomParameters(shape, seed: 1, scale: 1), 0, 1);
        var pass = new NetworkPass(shape, 1, 2);
        Assert.Throws<ArgumentException>(() =>
            pass.Forward(TinyData.RandomParameters(shape, seed: 2, scale: 1), 1, 2, true, [0], default, layouts));
    }
}
