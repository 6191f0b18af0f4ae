using System.Numerics.Tensors;
using SimdSfnn.Nn.Units;

namespace SimdSfnn.Nn.Gated;

/// The gating units' kind (units.md, "The conditional-computation experiment"), on top of the unit
/// kinds of `Nn/Units`, whose `Sample`, `Mean` and `BackPropagate` it uses:
///   st             `h = 1[u < sigmoid(a)]`, straight-through without the sigmoid's slope: `d = g`
///                  (1308.3432 found it the better gater); KL sparsity penalty through `E[h] = sigmoid(a)`
///   noisy-relu     `h = max(0, a + z)`, `z ~ N(0, 1)`, exact `d = 1[a + z > 0] g`; L1 penalty on `h`
///   sts            `h = b sqrt(p)`, `b ~ Bernoulli(sqrt(p))`, `d = b sqrt(p) (1 - p) / 2 g`; KL through `E[h] = p`
///   reinforce      `h = 1[u < sigmoid(a)]`, the unbiased estimator `d = (h - p)(L - Lbar)` of each
///                  example's loss `L` with the per-gate baseline of Bengio 2013 eq. (7); KL as st
/// and the paper's three baselines, deterministic or with the noise an input, all back-propagated exactly:
///   relu           `h = max(0, a)`; L1 as noisy-relu
///   sigmoid        `h = sigmoid(a)`; KL
///   noisy-sigmoid  `h = sigmoid(a + z)`, `z ~ N(0, 1)`; KL through the noise-free `sigmoid(a)`
internal sealed class Gater
{
    Gater(string name, IHiddenUnit unit, float initialBias, bool klPenalty, bool everyExpert, bool likelihoodRatio = false)
    {
        Name = name;
        Unit = unit;
        InitialBias = initialBias;
        KlPenalty = klPenalty;
        NeedsEveryExpert = everyExpert;
        LikelihoodRatio = likelihoodRatio;
    }

    public static IReadOnlyList<string> Names { get; } = ["st", "noisy-relu", "sts", "reinforce", "relu", "sigmoid", "noisy-sigmoid"];

    // sigmoid(-2.197) = 0.1: a tenth of the gates on (or the mean activation at 0.1) at the start
    const float TenthSigmoid = -2.1972246f;

    /// The gater by its command-line name, or null.
    public static Gater? FromName(string name) => name switch
    {
        "st" => new Gater("st", HiddenUnits.Bernoulli, TenthSigmoid, klPenalty: true, everyExpert: true),
        // Phi(-1.2816) = 0.1
        "noisy-relu" => new Gater("noisy-relu", new NoisyRectifierUnit(RectifierNoise.Gaussian), -1.2815516f, klPenalty: false, everyExpert: false),
        "sts" => new Gater("sts", new StsUnit(), TenthSigmoid, klPenalty: true, everyExpert: false),
        "reinforce" => new Gater("reinforce", HiddenUnits.Bernoulli, TenthSigmoid, klPenalty: true, everyExpert: false, likelihoodRatio: true),
        // no noise to reach the gates below 0: start with about half of them on, and let the L1
        // control bring them to 10% (it does within the first epoch)
        "relu" => new Gater("relu", new RectifierUnit(), 0f, klPenalty: false, everyExpert: false),
        "sigmoid" => new Gater("sigmoid", new DeterministicSigmoidUnit(), TenthSigmoid, klPenalty: true, everyExpert: true),
        "noisy-sigmoid" => new Gater("noisy-sigmoid", new NoisySigmoidUnit(), TenthSigmoid, klPenalty: true, everyExpert: true),
        _ => null,
    };

    public string Name { get; }
    public IHiddenUnit Unit { get; }
    /// The gates' bias at initialisation.
    public float InitialBias { get; }
    /// True: KL(s || mean sigmoid(a)) sparsity penalty; false: the L1 penalty on `h` (the rectifiers).
    public bool KlPenalty { get; }
    /// True: `d` is the likelihood-ratio estimate from each example's loss (`reinforce`), not a
    /// function of `g = dL/dh`.
    public bool LikelihoodRatio { get; }
    /// Whether `d` needs `g = dL/dh = gm H` at gates that are off, and so the expert unit `H` of
    /// every gate: straight-through passes `g` to every gate, and the sigmoid gaters are never 0,
    /// so their training computes the expert layer densely. The rectifiers' and sts's `d` is 0
    /// wherever `h` is, and reinforce's needs no `g`: they need `H` at the active gates only.
    public bool NeedsEveryExpert { get; }

    /// `d = dL/da` of one row from `g = dL/dh`, the noise held (not for `LikelihoodRatio`).
    public void Signal(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d)
    {
        if (Unit.IsBinary) g[..a.Length].CopyTo(d); // straight-through, no slope
        else Unit.BackPropagate(a, noise, g, d);
    }

    /// Bengio 2013, eq. (7) with Raiko et al. 2014, eq. (19): `d_i = (h_i - p_i)(L - Lbar_i)` for one
    /// example of loss `loss`; adds `(h - p)^2 L` and `(h - p)^2` to the baseline's statistics
    /// (`2 * Length` floats: numerators, then denominators).
    public static void LikelihoodRatioSignal(ReadOnlySpan<float> h, ReadOnlySpan<float> p, float loss, ReadOnlySpan<float> baseline,
                                             Span<float> d, Span<float> statistics)
    {
        int width = h.Length;
        for (int i = 0; i < width; i++)
        {
            float noise = h[i] - p[i];
            d[i] = noise * (loss - baseline[i]);
            statistics[i] += noise * noise * loss;
            statistics[width + i] += noise * noise;
        }
    }

    /// The deterministic test-time gate: `E[h | a]` (for st the probability `sigmoid(a)`), then 0
    /// where it is below `threshold`; `binary`: 1 where it is not (a diagnostic: st's training
    /// forward gates by 0 or 1, its test-time forward by the probability).
    public void TestGate(ReadOnlySpan<float> a, float threshold, Span<float> h, bool binary = false)
    {
        Unit.Mean(a, h);
        var row = h[..a.Length];
        for (int i = 0; i < row.Length; i++)
            row[i] = row[i] < threshold ? 0f : binary ? 1f : row[i];
    }

    /// `E[h | a]` of one row, the gate values whose quantile sets the threshold.
    public void Mean(ReadOnlySpan<float> a, Span<float> mean) => Unit.Mean(a, mean);

    /// The KL penalty's gradient factor per pre-activation: `d KL(s || q) / dq = (q - s) / (q (1 - q))`.
    public static float KlSlope(float q, float s)
    {
        q = Math.Clamp(q, 1e-4f, 1 - 1e-4f);
        return (q - s) / (q * (1 - q));
    }

    internal static void AddSigmoidSlopeTerm(ReadOnlySpan<float> p, ReadOnlySpan<float> klSlope, float weight, Span<float> d)
    {
        // d += weight * slope_i * p (1 - p): the penalty reaches a through E[h] = p = sigmoid(a)
        for (int i = 0; i < p.Length; i++) d[i] += weight * klSlope[i] * p[i] * (1 - p[i]);
    }

    internal static void AddRootSlopeTerm(ReadOnlySpan<float> root, ReadOnlySpan<float> klSlope, float weight, Span<float> d)
    {
        // d += weight * slope_i * d sqrt(p) / da, with d sqrt(p) / da = sqrt(p) (1 - p) / 2 and p = root^2
        for (int i = 0; i < root.Length; i++) d[i] += weight * klSlope[i] * root[i] * (1 - root[i] * root[i]) * 0.5f;
    }
}
