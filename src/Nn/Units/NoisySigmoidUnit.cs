using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// The sigmoid with noise injected before it, `h = sigmoid(a + z)`, `z ~ N(0, 1)` (the noisy
/// rectifier's noise, 1308.3432 section 2.1), back-propagated exactly with the noise held:
/// `d = h (1 - h) g`. The gated classifier's baseline gater "sigmoid with noise" (section 5).
internal sealed record NoisySigmoidUnit : IHiddenUnit
{
    // E[sigmoid(a + z)] by the trapezoid rule (NormalQuadrature): sigmoid's poles lie pi from the
    // real axis, so at a step of 0.4 the rule's error is exp(-2 pi^2 / 0.4) = 4e-22, and the tails
    // beyond |z| = 7 weigh 3e-12; float sums leave about 1e-7
    static readonly (double[] Nodes, double[] Weights) Rule = NormalQuadrature.Trapezoid(0.4, 7);

    public string Name => "noisy-sigmoid";
    public bool IsBinary => false;
    public bool HasPathwiseGradient => true;

    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> z, Span<float> h)
    {
        var draw = z[..a.Length];
        draw.Clear();
        Gaussian.AddNoise(draw, 1f, ref rng, draw);
        Output(a, z, h);
    }

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> z, Span<float> h)
    {
        UnitChecks.Lengths(a, z, h);
        var x = h[..a.Length];
        TensorPrimitives.Add(a, z[..a.Length], x);
        TensorPrimitives.Sigmoid(x, x);
    }

    public void Mean(ReadOnlySpan<float> a, Span<float> mean)
    {
        if (mean.Length < a.Length) SfnnThrow.DestinationTooShort();
        Span<float> term = stackalloc float[256];
        for (int start = 0; start < a.Length; start += term.Length)
        {
            var chunk = a.Slice(start, Math.Min(term.Length, a.Length - start));
            var sum = mean.Slice(start, chunk.Length);
            var t = term[..chunk.Length];
            sum.Clear();
            for (int k = 0; k < Rule.Nodes.Length; k++)
            {
                TensorPrimitives.Add(chunk, (float)Rule.Nodes[k], t);
                TensorPrimitives.Sigmoid(t, t);
                TensorPrimitives.MultiplyAdd(t, (float)Rule.Weights[k], sum, sum);
            }
        }
    }

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> z, ReadOnlySpan<float> g, Span<float> d)
    {
        UnitChecks.Lengths(a, z, d);
        if (g.Length < a.Length) SfnnThrow.Argument("g is shorter than a", nameof(g));
        Output(a, z, d);
        SigmoidSlope.Multiply(d[..a.Length], g[..a.Length], d[..a.Length]);
    }
}
