using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gated;

/// The gater's weights (and st's expert weights) laid out once per step for every worker's
/// products, as `GsnStep` packs its W_k: a 16-row shard multiplying by a 2000 x 400 matrix that
/// it packs on every call spends about as long packing as multiplying. `W2T` (Hidden, Gates) is
/// W2 transposed, so that the backward's `gt = d2 W2` is a forward product by packed weights too.
/// A layer of `MatMul.NarrowWidth` units or fewer is left unpacked (the narrow kernel packs little).
internal sealed class GatedLayouts
{
    readonly float[] w2T;

    public GatedLayouts(GatedShape shape, bool expert)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        W1 = Make(shape.Inputs, shape.Hidden);
        W2 = Make(shape.Hidden, shape.Gates);
        We = expert ? Make(shape.Inputs, shape.Gates) : null;
        W2T = Make(shape.Gates, shape.Hidden);
        w2T = W2T is null ? [] : new float[shape.Hidden * shape.Gates];
    }

    public GatedShape Shape { get; }
    public PackedWeights? W1 { get; }
    public PackedWeights? W2 { get; }
    public PackedWeights? We { get; }
    /// W2^T packed as the weights of a map from the gates to the hidden units.
    public PackedWeights? W2T { get; }

    static PackedWeights? Make(int inputs, int outputs) => outputs > MatMul.NarrowWidth ? new PackedWeights(inputs, outputs) : null;

    /// Worker `part` of `parts`'s share of the layouts, from theta as it is now.
    public void Prepare(GatedParameters theta, int part, int parts)
    {
        if (W1 is not null) MatMul.PackForward(theta.W1, W1, part, parts);
        if (W2 is not null) MatMul.PackForward(theta.W2, W2, part, parts);
        if (We is not null) MatMul.PackForward(theta.We, We, part, parts);
        if (W2T is { } packed)
        {
            // this part's panels of W2^T are rows [first, end) of it, columns [first, end) of W2
            int panels = MatMul.PanelCount(Shape.Hidden);
            int first = (int)((long)panels * part / parts) * MatMul.PanelWidth;
            int end = Math.Min(Shape.Hidden, (int)((long)panels * (part + 1) / parts) * MatMul.PanelWidth);
            if (end > first) Transpose.Rows(theta.W2, Shape.Gates, Shape.Hidden, w2T, Shape.Gates, first, end);
            MatMul.PackForward(w2T, packed, part, parts);
        }
    }

    /// `c = x W^T` by `packed` when there is one, else by `w` itself.
    public static void Forward(ReadOnlySpan<float> x, PackedWeights? packed, ReadOnlySpan<float> w, Span<float> c, int B, int D, int H)
    {
        if (packed is not null) MatMul.Forward(x, packed, c, B);
        else MatMul.Forward(x, w, c, B, D, H);
    }
}
