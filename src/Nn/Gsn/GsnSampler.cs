using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

/// The GSN's sampling chain (Bengio et al. 2014, section 7 and Figure 2; docs/spec/gsn.md,
/// "Sampling"): one chain started from a digit (corrupted once, hidden layers at 0); every step
/// is one odd-then-even update with all the noise, and its recorded sample is the mean-field
/// reconstruction `p_t`. No burn-in, no thinning.
public sealed class GsnSampler
{
    readonly GsnChain chain;
    readonly GsnParameters theta;

    public GsnSampler(GsnParameters theta, GsnChainSettings settings, ulong seed, ulong stream)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(settings);
        this.theta = theta;
        chain = new GsnChain(theta.Shape, settings with { Walkback = 1 }, capacity: 1);
        chain.Stream(0) = RandomStream.Create(seed, stream);
    }

    /// Starts the chain from `x` (n_0 values in [0, 1]).
    public void Start(ReadOnlySpan<float> x)
    {
        x.CopyTo(chain.Input(0));
        chain.BeginSampling(1);
    }

    /// The next `samples.Length / n_0` consecutive samples, one row each.
    public void Next(Span<float> samples)
    {
        int n0 = theta.Shape.Visible;
        if (samples.Length % n0 != 0) SfnnThrow.ArgumentLength(nameof(samples), samples.Length, samples.Length / n0 * n0);
        for (int at = 0; at < samples.Length; at += n0) chain.SampleStep(theta, 1, samples.Slice(at, n0));
    }
}
