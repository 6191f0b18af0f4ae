using SimdSfnn.Nn;
using SimdSfnn.Nn.Passes;

namespace SimdSfnn.Property.Nn;

/// The pass pool hands a returned pass to the next renter of the same size, with a new pass's
/// settings, and never one of another size.
public sealed class PassPoolTests
{
    [Fact]
    public void A_returned_pass_is_rented_again_with_fresh_settings()
    {
        var shape = new NetworkShape([7, 5, 3, 4], OutputHead.Softmax);
        var pass = PassPool.Rent(shape, 3, 2);
        pass.Products = ProductStrategy.Dense;
        PassPool.Return(pass);

        // an equal shape that is another object: passes depend on the sizes only
        var again = PassPool.Rent(new NetworkShape([7, 5, 3, 4], OutputHead.Softmax), 3, 2);

        Assert.Same(pass, again);
        Assert.Equal(ProductStrategy.Auto, again.Products);
        Assert.Null(again.Phases);
        PassPool.Return(again);
    }

    [Theory]
    [InlineData(4, 2, OutputHead.Softmax, new[] { 7, 5, 3, 4 })]
    [InlineData(3, 1, OutputHead.Softmax, new[] { 7, 5, 3, 4 })]
    [InlineData(3, 2, OutputHead.Bernoulli, new[] { 7, 5, 3, 4 })]
    [InlineData(3, 2, OutputHead.Softmax, new[] { 7, 5, 6, 4 })]
    public void A_pass_of_another_size_is_never_handed_out(int examples, int samples, OutputHead head, int[] sizes)
    {
        var shape = new NetworkShape([8, 6, 2, 5], OutputHead.Softmax);
        var pass = PassPool.Rent(shape, 3, 2);
        PassPool.Return(pass);

        var other = PassPool.Rent(new NetworkShape(sizes, head), examples, samples);

        Assert.NotSame(pass, other);
        Assert.Equal((examples, samples), (other.MaxExamples, other.MaxSamples));
        Assert.Equal(sizes, other.Shape.Sizes);
        PassPool.Return(other);
    }

    [Fact]
    public void Renting_a_returned_pass_allocates_nothing()
    {
        var shape = new NetworkShape([9, 4, 4, 3], OutputHead.Softmax);
        PassPool.Return(PassPool.Rent(shape, 2, 2));
        PassPool.Return(PassPool.Rent(shape, 2, 2));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) PassPool.Return(PassPool.Rent(shape, 2, 2));

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
