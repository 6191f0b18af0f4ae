using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators.Engine;

/// The weights in the layouts that `NetworkPass` reads them in, made once per step (or per
/// evaluation) and shared by all its passes, each worker preparing a part: W_1 packed for the
/// first layer's forward, and W_2^T, rows padded to 16k floats and 64-byte aligned, for the second
/// layer's sums from differences. Without them every pass made both for itself: in a step of two
/// 50-example passes that is the whole W_1 gathered twice, and in an M = 100 evaluation, whose
/// passes hold 20 examples, 500 times.
public sealed class WeightLayouts
{
    readonly NetworkShape shape;
    Parameters? source;

    /// `secondTransposed`: whether passes will run the second layer from differences (M > 1).
    public WeightLayouts(NetworkShape shape, bool secondTransposed)
    {
        this.shape = shape;
        int n0 = shape.Inputs, n1 = shape.Sizes[1];
        First = n1 > MatMul.NarrowWidth ? new PackedWeights(n0, n1) : null;
        if (secondTransposed && shape.HiddenLayerCount >= 2)
        {
            SecondStride = PaddedWidth(shape.Sizes[2]);
            SecondTransposed = new AlignedBuffer(n1 * SecondStride);
        }
    }

    /// W_1 packed, or null when the first layer is 16 units or fewer (the narrow kernel packs little).
    public PackedWeights? First { get; }
    /// (n1, SecondStride) W_2^T, or null.
    public AlignedBuffer? SecondTransposed { get; }
    public int SecondStride { get; }

    /// Whether the last `Prepare` read these parameters (a pass refuses layouts of others).
    public bool PreparedFrom(Parameters theta) => ReferenceEquals(source, theta);

    /// Prepares part `part` of `parts`; the layouts are whole once every part is done.
    public void Prepare(Parameters theta, int part, int parts)
    {
        source = theta;
        if (First is not null) MatMul.PackForward(theta.W(0), First, part, parts);
        if (SecondTransposed is null) return;
        int n1 = shape.Sizes[1], first = (int)((long)n1 * part / parts), end = (int)((long)n1 * (part + 1) / parts);
        Transpose.Rows(theta.W(1), shape.Sizes[2], n1, SecondTransposed.Span, SecondStride, first, end);
    }

    internal static int PaddedWidth(int n) => (n + 15) & ~15;
}
