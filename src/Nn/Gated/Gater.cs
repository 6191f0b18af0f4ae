using System.Numerics.Tensors;
using SimdSfnn.Nn.Units;

namespace SimdSfnn.Nn.Gated;

/// The gating units' kind (units.md, "The conditional-computation experiment"), on top of the unit
/// kinds of `Nn/Units`, whose `Sample`, `Mean` and `BackPropagate` it uses:
///   st          `h = 1[u < sigmoid(a)]`, straight-through without the sigmoid's slope: `d = g`
///               (1308.3432 found it the better gater); KL sparsity penalty through `E[h] = sigmoid(a)`
///   noisy-relu  `h = max(0, a + z)`, `z ~ N(0, 1)`, exact `d = 1[a + z > 0] g`; L1 penalty on `h`
///   sts         `h = b sqrt(p)`, `b ~ Bernoulli(sqrt(p))`, `d = b sqrt(p) (1 - p) / 2 g`; KL through `E[h] = p`
internal sealed class Gater
{
    Gater(string name, IHiddenUnit unit, float initialBias, bool klPenalty)
    {
        Name = name;
        Unit = unit;
        InitialBias = initialBias;
        KlPenalty = klPenalty;
    }

    public static IReadOnlyList<string> Names { get; } = ["st", "noisy-relu", "sts"];

    /// The gater by its command-line name, or null.
    public static Gater? FromName(string name) => name switch
    {
        // sigmoid(-2.197) = 0.1: a tenth of the gates on at the start
        "st" => new Gater("st", HiddenUnits.Bernoulli, -2.1972246f, klPenalty: true),
        // Phi(-1.2816) = 0.1
        "noisy-relu" => new Gater("noisy-relu", new NoisyRectifierUnit(RectifierNoise.Gaussian), -1.2815516f, klPenalty: false),
        // E[h] = p = 0.1, the KL penalty's target
        "sts" => new Gater("sts", new StsUnit(), -2.1972246f, klPenalty: true),
        _ => null,
    };

    public string Name { get; }
    public IHiddenUnit Unit { get; }
    /// The gates' bias at initialisation.
    public float InitialBias { get; }
    /// True: KL(s || mean E[h]) sparsity penalty (st, sts); false: the L1 penalty on `h` (noisy-relu).
    public bool KlPenalty { get; }
    /// Straight-through passes `g` to every gate, also to the off ones: their `g = dL/dh = gm H`
    /// needs the expert unit `H` of every gate, so st's training computes the expert layer densely.
    /// The other two gaters' `d` is 0 wherever `h` is, so they need `H` only at the active gates.
    public bool NeedsEveryExpert => Unit.IsBinary;

    /// `d = dL/da` of one row from `g = dL/dh`, the noise held.
    public void Signal(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d)
    {
        if (Unit.IsBinary) g[..a.Length].CopyTo(d); // straight-through, no slope
        else Unit.BackPropagate(a, noise, g, d);
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
