namespace SimdSfnn.Tensors;

/// A weight matrix W (H, D), as stored, laid out the way `MatMul.Forward` packs it on every call:
/// its k-slices, each cut into 32-column panels of W^T. A training step's passes (one per worker,
/// and in an evaluation one per chunk of examples) all multiply by the same W_1, whose packing
/// cost a 50-example pass about a third of its first-layer forward; packed once per step and
/// shared, it is paid once. Fill it with `MatMul.PackForward`, a part per worker if you like.
internal sealed class PackedWeights
{
    public PackedWeights(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, MatMul.NarrowWidth + 1);
        Inputs = inputs;
        Outputs = outputs;
        Panels = MatMul.PanelCount(outputs);
        Buffer = new AlignedBuffer(Panels * MatMul.PanelWidth * inputs);
    }

    /// D, the length of a row of W.
    public int Inputs { get; }
    /// H, the rows of W (more than 16: fewer go through MatMul's narrow kernel, which packs little).
    public int Outputs { get; }
    /// 32-column panels per k-slice (`MatMul.PanelWidth` rows of W each).
    public int Panels { get; }
    internal AlignedBuffer Buffer { get; }
}
