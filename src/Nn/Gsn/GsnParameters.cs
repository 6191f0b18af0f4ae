namespace SimdSfnn.Nn.Gsn;

/// A GSN's weights and biases in one block: `W_1 .. W_K` (each `n_k x n_{k-1}`, row-major; tied:
/// the downward map is `W_k^T`, Bengio et al. 2014, section 7), then `b_0 .. b_K`. The same layout
/// serves gradients and the optimiser's velocity.
public sealed class GsnParameters
{
    readonly int[] weightOffsets; // [k], k = 1..K (index 0 unused)
    readonly int[] biasOffsets;   // [k], k = 0..K

    public GsnParameters(GsnShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        int K = shape.HiddenLayers;
        if (shape.ParameterCount > Array.MaxLength) throw new ArgumentException($"a {shape} GSN has {shape.ParameterCount} parameters, too many for one block", nameof(shape));
        Data = new float[shape.ParameterCount];
        weightOffsets = new int[K + 1];
        biasOffsets = new int[K + 1];
        int offset = 0;
        for (int k = 1; k <= K; k++)
        {
            weightOffsets[k] = offset;
            offset += shape.WeightCount(k);
        }
        for (int k = 0; k <= K; k++)
        {
            biasOffsets[k] = offset;
            offset += shape.Sizes[k];
        }
    }

    public GsnShape Shape { get; }
    public float[] Data { get; }

    /// `W_k` (k = 1..K), `n_k x n_{k-1}`.
    public Span<float> W(int k) => Data.AsSpan(weightOffsets[k], Shape.WeightCount(k));
    /// `b_k` (k = 0..K).
    public Span<float> Bias(int k) => Data.AsSpan(biasOffsets[k], Shape.Sizes[k]);

    /// Where `W_k` starts in `Data` (and in any array of the same layout).
    internal int WeightOffset(int k) => weightOffsets[k];
    /// Where the biases start in `Data`: `b_0 .. b_K` fill the rest.
    internal int BiasesOffset => biasOffsets[0];

    /// `W_k ~ U(-r, r)`, `r = sqrt(6 / (fan_in + fan_out))`, biases 0 (docs/spec/gsn.md, "Model").
    public void Initialize(ulong seed)
    {
        var random = new Random(unchecked((int)(seed * 0x9E3779B9UL >> 16)));
        Array.Clear(Data);
        for (int k = 1; k <= Shape.HiddenLayers; k++)
        {
            double r = Math.Sqrt(6.0 / (Shape.Sizes[k - 1] + Shape.Sizes[k]));
            var w = W(k);
            for (int i = 0; i < w.Length; i++) w[i] = (float)((random.NextDouble() * 2 - 1) * r);
        }
    }
}
