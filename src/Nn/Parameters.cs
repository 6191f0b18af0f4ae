namespace SimdSfnn.Nn;

/// Every weight and bias of a network in one block (llm.c style), handed out as slices:
/// `W_0, b_0, W_1, b_1, ...`. The same layout serves gradients and optimiser state.
public sealed class Parameters
{
    readonly int[] weightOffsets;
    readonly int[] biasOffsets;

    public Parameters(NetworkShape shape)
    {
        Shape = shape;
        Data = new float[shape.ParameterCount];
        weightOffsets = new int[shape.LayerCount];
        biasOffsets = new int[shape.LayerCount];
        int offset = 0;
        for (int l = 0; l < shape.LayerCount; l++)
        {
            weightOffsets[l] = offset;
            offset += shape.WeightCount(l);
            biasOffsets[l] = offset;
            offset += shape.Sizes[l + 1];
        }
    }

    public NetworkShape Shape { get; }
    public float[] Data { get; }

    /// `W_l`, shape (Sizes[l+1], Sizes[l]), row-major.
    public Span<float> W(int layer) => Data.AsSpan(weightOffsets[layer], Shape.WeightCount(layer));
    /// `b_l`, length Sizes[l+1].
    public Span<float> Bias(int layer) => Data.AsSpan(biasOffsets[layer], Shape.Sizes[layer + 1]);
    /// Where `W_l` starts in `Data`.
    public int WeightOffset(int layer) => weightOffsets[layer];
    /// Where `b_l` starts in `Data`.
    public int BiasOffset(int layer) => biasOffsets[layer];

    /// Glorot-uniform weights (scaled by 4 for sigmoid units, Glorot & Bengio 2010) and zero biases.
    public void InitializeGlorot(ulong seed)
    {
        var random = new Random(unchecked((int)(seed * 0x9E3779B9UL >> 16)));
        Array.Clear(Data);
        for (int l = 0; l < Shape.LayerCount; l++)
        {
            int fanIn = Shape.Sizes[l], fanOut = Shape.Sizes[l + 1];
            double limit = Math.Sqrt(6.0 / Math.Max(1, fanIn + fanOut)) * (l < Shape.HiddenLayerCount ? 4 : 1);
            var w = W(l);
            for (int i = 0; i < w.Length; i++) w[i] = (float)((random.NextDouble() * 2 - 1) * limit);
        }
    }

    public void CopyFrom(Parameters other) => other.Data.AsSpan().CopyTo(Data);
}
