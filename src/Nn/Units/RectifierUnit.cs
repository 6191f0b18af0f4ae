using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// The rectifier without noise, `h = max(0, a)`, back-propagated exactly: `d = 1[a > 0] g`. The
/// gated classifier's baseline gater "rectifier without noise" (1308.3432 section 5), the noisy
/// rectifier's control.
internal sealed record RectifierUnit : IHiddenUnit
{
    public string Name => "relu";
    public bool IsBinary => false;
    public bool HasPathwiseGradient => true;

    /// No noise: `noise` is left as it is.
    public void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> noise, Span<float> h) => Output(a, noise, h);

    public void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, Span<float> h)
    {
        if (h.Length < a.Length) SfnnThrow.DestinationTooShort();
        TensorPrimitives.Max(a, 0f, h);
    }

    public void Mean(ReadOnlySpan<float> a, Span<float> mean) => Output(a, default, mean);

    public void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d)
    {
        if (d.Length < a.Length || g.Length < a.Length) SfnnThrow.DestinationTooShort();
        UnitSignals.RectifierGate(a, g[..a.Length], d[..a.Length]);
    }
}
