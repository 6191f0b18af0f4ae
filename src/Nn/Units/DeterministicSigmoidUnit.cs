using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// The deterministic net's unit (Raiko et al. 2014, section 3): `h = sigmoid(a)`, no noise, and
/// ordinary back-propagation `d = s (1 - s) g`.
internal sealed record DeterministicSigmoidUnit : IHiddenUnit
{
    public string Name => "sigmoid";
    public bool IsBinary => false;
    public bool HasPathwiseGradient => true;

    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> noise, Span<float> h) => Output(a, noise, h);

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, Span<float> h)
    {
        if (h.Length < a.Length) SfnnThrow.DestinationTooShort();
        TensorPrimitives.Sigmoid(a, h);
    }

    public void Mean(ReadOnlySpan<float> a, Span<float> mean) => TensorPrimitives.Sigmoid(a, mean);

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d)
    {
        if (d.Length < a.Length || g.Length < a.Length) SfnnThrow.DestinationTooShort();
        var s = d[..a.Length];
        TensorPrimitives.Sigmoid(a, s);
        SigmoidSlope.Multiply(s, g[..a.Length], s);
    }
}
