using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// A kind of stochastic hidden unit (units.md, "Units"): how its output `h` comes from its
/// pre-activation `a` and a noise, what `E[h | a]` is, and what back-propagation through it uses.
/// The noise is an input: `Output` is a plain function of `a` and the noise, so a sample can be
/// recomputed, differentiated with the noise held, and checked against a scalar reference.
internal interface IHiddenUnit
{
    /// The name on the command line (`bernoulli`, `noisy-relu`, `sts`, `sigmoid`).
    string Name { get; }

    /// True when `h` is 0 or 1, so the engine's 0/1 products (sums of selected rows) apply.
    bool IsBinary { get; }

    /// True when `h` is differentiable in `a` with the noise held, so `BackPropagate` is the exact
    /// gradient along the sample's path; false for the binary unit, whose `d` an estimator
    /// (G1-G5) supplies.
    bool HasPathwiseGradient { get; }

    /// Noise values per unit (tanh with injected noise has two, before and after the tanh): the
    /// noise of `n` units is `n * NoisePerUnit` floats, unit `i`'s at `i * NoisePerUnit`, so
    /// that the noise of a run of units is a run of the noise.
    int NoisePerUnit => 1;

    /// Draws the noise for `a.Length` units from `rng` into `noise`, then `h = Output(a, noise)`.
    void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> noise, Span<float> h);

    /// `h` from the pre-activation and the noise that made it.
    void Output(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, Span<float> h);

    /// `E[h | a]` over the noise.
    void Mean(ReadOnlySpan<float> a, Span<float> mean);

    /// `d = (dh / da) g` with the noise held; only where `HasPathwiseGradient`.
    void BackPropagate(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> g, Span<float> d);
}
