using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// The binary stochastic unit of Raiko et al. 2014 (eq. 2): `h = 1[u < sigmoid(a)]`, `u ~ U[0, 1)`,
/// so `E[h] = sigmoid(a)`. `h` is a step in `a`: back-propagation through it is the estimators'
/// business (G1-G5), not the unit's.
internal sealed record SigmoidBernoulliUnit : IHiddenUnit
{
    public string Name => "bernoulli";
    public bool IsBinary => true;
    public bool HasPathwiseGradient => false;

    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> noise, Span<float> h)
    {
        rng.NextUniform(noise[..a.Length]);
        Output(a, noise, h);
    }

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, Span<float> h)
    {
        UnitChecks.Lengths(a, noise, h);
        var p = h[..a.Length];
        TensorPrimitives.Sigmoid(a, p);
        for (int i = 0; i < a.Length; i++) p[i] = noise[i] < p[i] ? 1f : 0f;
    }

    public void Mean(ReadOnlySpan<float> a, Span<float> mean) => TensorPrimitives.Sigmoid(a, mean);

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d) =>
        throw new InvalidOperationException("the binary unit has no pathwise gradient; an estimator (G1-G5) gives its d");
}
