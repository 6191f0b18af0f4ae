namespace SimdSfnn.Nn.Gsn;

/// The layers of a GSN-K (Bengio et al. 2014, section 7 and Figure 1): `h_0 = x` (the visible
/// units) and hidden `h_1 .. h_K`, `Sizes[k]` units each; `W_k` joins `h_{k-1}` and `h_k`.
public sealed class GsnShape
{
    public GsnShape(int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length < 2 || sizes.Any(n => n < 1))
            throw new ArgumentException($"a GSN needs a visible and at least one hidden layer of at least one unit, got {string.Join('-', sizes)}", nameof(sizes));
        Sizes = (int[])sizes.Clone();
    }

    /// `n_0 .. n_K`.
    public int[] Sizes { get; }
    /// K, the hidden layers.
    public int HiddenLayers => Sizes.Length - 1;
    public int Visible => Sizes[0];

    /// Entries of `W_k` (k = 1..K): `n_k x n_{k-1}`.
    public int WeightCount(int k) => Sizes[k] * Sizes[k - 1];

    public long ParameterCount
    {
        get
        {
            long count = Sizes.Sum(n => (long)n); // biases b_0 .. b_K
            for (int k = 1; k <= HiddenLayers; k++) count += (long)Sizes[k] * Sizes[k - 1];
            return count;
        }
    }

    public override string ToString() => string.Join('-', Sizes);
}
