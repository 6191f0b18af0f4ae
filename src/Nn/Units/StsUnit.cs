using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// Stochastic times smooth (1308.3432 section 2.2, eq. 2): `h = b sqrt(p)`, `p = sigmoid(a)`,
/// `b ~ Bernoulli(sqrt(p))`, so `E[h] = p` and `P(h > 0) = sqrt(p)`. Back-propagation goes
/// through the smooth factor with `b` held: `d = b sqrt(p) (1 - p) / 2 g`.
internal sealed record StsUnit : IHiddenUnit
{
    public string Name => "sts";
    public bool IsBinary => false;
    public bool HasPathwiseGradient => true;

    /// The noise kept is `b` itself (0 or 1), drawn as `1[u < sqrt(p)]`.
    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> b, Span<float> h)
    {
        var draw = b[..a.Length];
        rng.NextUniform(draw);
        var root = h[..a.Length];
        SqrtSigmoid(a, root);
        UnitSignals.Below(draw, root, draw);
        Output(a, b, h);
    }

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> h)
    {
        UnitChecks.Lengths(a, b, h);
        SqrtSigmoid(a, h);
        TensorPrimitives.Multiply(h[..a.Length], b[..a.Length], h);
    }

    public void Mean(ReadOnlySpan<float> a, Span<float> mean) => TensorPrimitives.Sigmoid(a, mean);

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> g, Span<float> d)
    {
        UnitChecks.Lengths(a, b, d);
        if (g.Length < a.Length) SfnnThrow.Argument("g is shorter than a", nameof(g));
        UnitSignals.StsSlope(a, b[..a.Length], g[..a.Length], d[..a.Length]);
    }

    static void SqrtSigmoid(ReadOnlySpan<float> a, Span<float> root)
    {
        TensorPrimitives.Sigmoid(a, root);
        TensorPrimitives.Sqrt(root[..a.Length], root);
    }
}
