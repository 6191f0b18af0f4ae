using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// Bengio's semi-hard noisy rectifier (1305.2982 section 2; 1308.3432 section 2.1):
/// `h = max(0, a + z)`, and with the noise an input `dh/da = 1[a + z > 0]`, so
/// back-propagation is exact: `d = 1[a + z > 0] g`. The experiments draw `z ~ N(0, sigma^2)`
/// (sd 1); logistic `z` gives the closed forms `E[h] = softplus(a)`, `P(h > 0) = sigmoid(a)`.
internal sealed record NoisyRectifierUnit : IHiddenUnit
{
    public NoisyRectifierUnit(RectifierNoise noise, float sigma = 1f)
    {
        Noise = noise;
        Sigma = sigma > 0 && float.IsFinite(sigma) ? sigma : throw new ArgumentOutOfRangeException(nameof(sigma));
    }

    public string Name => "noisy-relu";
    public bool IsBinary => false;
    public bool HasPathwiseGradient => true;
    public RectifierNoise Noise { get; }
    public float Sigma { get; }

    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> z, Span<float> h)
    {
        var draw = z[..a.Length];
        if (Noise == RectifierNoise.Gaussian)
        {
            draw.Clear();
            Gaussian.AddNoise(draw, Sigma, ref rng, draw);
        }
        else
        {
            // z = sigma log(u / (1 - u)) with u moved to the middle of its 2^-24 cell, inside (0, 1)
            rng.NextUniform(draw);
            TensorPrimitives.Add(draw, 0.5f / (1 << 24), draw);
            for (int i = 0; i < draw.Length; i++) draw[i] = draw[i] / (1f - draw[i]);
            TensorPrimitives.Log(draw, draw);
            TensorPrimitives.Multiply(draw, Sigma, draw);
        }
        Output(a, z, h);
    }

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> z, Span<float> h)
    {
        UnitChecks.Lengths(a, z, h);
        TensorPrimitives.Add(a, z[..a.Length], h);
        TensorPrimitives.Max(h[..a.Length], 0f, h);
    }

    /// Gaussian: `E[max(0, a + z)] = a Phi(a / sigma) + sigma phi(a / sigma)`; logistic of scale
    /// sigma: `sigma softplus(a / sigma)`.
    public void Mean(ReadOnlySpan<float> a, Span<float> mean)
    {
        if (mean.Length < a.Length) SfnnThrow.DestinationTooShort();
        for (int i = 0; i < a.Length; i++)
        {
            double t = a[i] / (double)Sigma;
            mean[i] = (float)(Noise == RectifierNoise.Gaussian
                ? Sigma * (t * Normal.Cdf(t) + Normal.Density(t))
                : Sigma * (Math.Max(t, 0) + Math.Log(1 + Math.Exp(-Math.Abs(t)))));
        }
    }

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> z, ReadOnlySpan<float> g, Span<float> d)
    {
        UnitChecks.Lengths(a, z, d);
        if (g.Length < a.Length) SfnnThrow.Argument("g is shorter than a", nameof(g));
        var x = d[..a.Length];
        TensorPrimitives.Add(a, z[..a.Length], x);
        UnitSignals.RectifierGate(x, g[..a.Length], x);
    }
}

/// The noise of a noisy rectifier.
internal enum RectifierNoise
{
    /// `N(0, sigma^2)`: the experiments' choice.
    Gaussian,
    /// Logistic of scale sigma: the one with closed forms.
    Logistic,
}
