using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

/// The GSN's sampling chain (Bengio et al. 2014, section 7 and Figure 2; docs/spec/gsn.md,
/// "Sampling"): one chain started from a digit (corrupted once, hidden layers at 0); every step
/// is one odd-then-even update with all the noise, and its recorded sample is the mean-field
/// reconstruction `p_t`. No burn-in, no thinning. The parameters must not change while it runs.
public sealed class GsnSampler
{
    readonly GsnChain chain;
    readonly GsnParameters theta;
    float[] clamped = []; // 1 where a conditional chain clamps the pixel to the start's

    public GsnSampler(GsnParameters theta, GsnChainSettings settings, ulong seed, ulong stream)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(settings);
        this.theta = theta;
        chain = new GsnChain(theta.Shape, settings with { Walkback = 1 }, capacity: 1);
        chain.Stream(0) = RandomStream.Create(seed, stream);
        // the weights stay fixed along the chain: packed once, not in each of its batch-1 products
        var layouts = new PackedWeights?[theta.Shape.HiddenLayers + 1];
        for (int k = 1; k <= theta.Shape.HiddenLayers; k++)
            if (theta.Shape.Sizes[k] > MatMul.NarrowWidth)
            {
                layouts[k] = new PackedWeights(theta.Shape.Sizes[k - 1], theta.Shape.Sizes[k]);
                MatMul.PackForward(theta.W(k), layouts[k]!);
            }
        chain.UsePackedWeights(layouts);
    }

    /// Starts the chain from `x` (n_0 values in [0, 1]). With a `clamp` mask (1 = clamped), the
    /// chain is conditional (Figure 2 bottom; docs/spec/gsn.md, "Conditional sampling"): after
    /// every step the clamped pixels of the visible state are reset to `x`'s, and the samples show them.
    public void Start(ReadOnlySpan<float> x, ReadOnlySpan<float> clamp = default)
    {
        int n0 = theta.Shape.Visible;
        if (x.Length != n0) SfnnThrow.ArgumentLength(nameof(x), x.Length, n0);
        if (!clamp.IsEmpty && clamp.Length != n0) SfnnThrow.ArgumentLength(nameof(clamp), clamp.Length, n0);
        x.CopyTo(chain.Input(0));
        clamped = clamp.IsEmpty ? [] : clamp.ToArray();
        chain.BeginSampling(1);
        Reset(chain.Visible(1));
    }

    /// The next `samples.Length / n_0` consecutive samples, one row each.
    public void Next(Span<float> samples)
    {
        int n0 = theta.Shape.Visible;
        if (samples.Length % n0 != 0) SfnnThrow.ArgumentLength(nameof(samples), samples.Length, samples.Length / n0 * n0);
        for (int at = 0; at < samples.Length; at += n0)
        {
            chain.SampleStep(theta, 1, samples.Slice(at, n0));
            Reset(chain.Visible(1));
            Reset(samples.Slice(at, n0));
        }
    }

    /// The clamped pixels of `image` set back to the start's.
    void Reset(Span<float> image)
    {
        var x = chain.Input(0);
        for (int i = 0; i < clamped.Length; i++)
            if (clamped[i] != 0) image[i] = x[i];
    }
}
