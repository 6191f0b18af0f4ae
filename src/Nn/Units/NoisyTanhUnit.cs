using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// Tanh with injected noise, the GSN's hidden unit (Bengio et al. 2014, section 7; docs/spec/gsn.md):
/// `h = tanh(a + eta_in) + eta_out`, `eta_in, eta_out ~ N(0, sigma^2)`. With both noises held
/// `dh/da = 1 - tanh^2(a + eta_in)`, so back-propagation is exact: `d = (1 - tanh^2(a + eta_in)) g`
/// (the GSN's own back-propagation, `Tanh.Slope`). `E[h | a] = E[tanh(a + sigma z)]`, `z ~ N(0, 1)`,
/// has no closed form; it is computed by quadrature. Each unit keeps two noises, interleaved:
/// `noise[2 i] = eta_in`, `noise[2 i + 1] = eta_out`.
internal sealed record NoisyTanhUnit : IHiddenUnit
{
    /// The std of both noises on the command line's `tanh-noise`. The GSN's 2 (`--hidden-noise`)
    /// buries a unit's output, whose range is (-1, 1), under noise of variance 4 (docs/units.md
    /// measures it); 0.5 keeps the injected noise below the signal.
    public const float DefaultSigma = 0.5f;

    readonly double[] nodes, weights; // the quadrature of E[f(z)], z ~ N(0, 1)

    public NoisyTanhUnit(float sigma = DefaultSigma)
    {
        Sigma = sigma > 0 && float.IsFinite(sigma) ? sigma : throw new ArgumentOutOfRangeException(nameof(sigma));
        (nodes, weights) = Quadrature(sigma);
    }

    public string Name => "tanh-noise";
    public bool IsBinary => false;
    public bool HasPathwiseGradient => true;
    public int NoisePerUnit => 2;
    public float Sigma { get; }

    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> noise, Span<float> h)
    {
        var draw = noise[..(2 * a.Length)];
        draw.Clear();
        Gaussian.AddNoise(draw, Sigma, ref rng, draw);
        Output(a, noise, h);
    }

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, Span<float> h)
    {
        Lengths(a, noise, h);
        var t = h[..a.Length];
        Tanh.Compute(Perturbed(a, noise, t), t);
        for (int i = 0; i < a.Length; i++) t[i] += noise[2 * i + 1];
    }

    /// `E[tanh(a + sigma z)]` by the trapezoid rule on `z`: the integrand is analytic in the strip
    /// `|Im z| < pi / (2 sigma)` (tanh's poles), where the rule's error falls as `exp(-2 pi d / step)`
    /// (Trefethen & Weideman 2014, "The exponentially convergent trapezoidal rule", SIAM Review
    /// 56(3), section 5); the step makes that below 1e-17, and the tails beyond |z| = 8.5 weigh 2e-17.
    public void Mean(ReadOnlySpan<float> a, Span<float> mean)
    {
        if (mean.Length < a.Length) SfnnThrow.DestinationTooShort();
        for (int i = 0; i < a.Length; i++)
        {
            double sum = 0;
            for (int k = 0; k < nodes.Length; k++) sum += weights[k] * Math.Tanh(a[i] + Sigma * nodes[k]);
            mean[i] = (float)sum;
        }
    }

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d)
    {
        Lengths(a, noise, d);
        if (g.Length < a.Length) SfnnThrow.Argument("g is shorter than a", nameof(g));
        var t = d[..a.Length];
        Tanh.Compute(Perturbed(a, noise, t), t);
        Tanh.Slope(t, g[..a.Length], t);
    }

    /// `u[i] = a[i] + eta_in[i]`, into `u`.
    static Span<float> Perturbed(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, Span<float> u)
    {
        for (int i = 0; i < a.Length; i++) u[i] = a[i] + noise[2 * i];
        return u;
    }

    static void Lengths(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> output)
    {
        if (noise.Length < 2 * a.Length) SfnnThrow.Argument("the noise holds fewer than two values per pre-activation", nameof(noise));
        if (output.Length < a.Length) SfnnThrow.DestinationTooShort();
    }

    /// The trapezoid rule's nodes to |z| = 8.5 (tails of 2e-17) at a step where
    /// `2 pi (pi / (2 sigma)) / step = 40`, at most 0.25.
    static (double[] Nodes, double[] Weights) Quadrature(float sigma) =>
        NormalQuadrature.Trapezoid(Math.Min(0.25, Math.PI * Math.PI / (40 * sigma)), 8.5);
}
