using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// The weights in the layouts that `NetworkPass` reads them in, made once per step (or per
/// evaluation) and shared by all its passes, each worker preparing a part: every W_l of a layer
/// wider than 16 units packed for dense forwards, and W_2^T, rows padded to 16k floats and 64-byte
/// aligned, for the second layer's sums from differences. Without them every pass made them for
/// itself: in a step of two 50-example passes that is the whole W_1 gathered twice, and in an
/// M = 100 evaluation, whose passes hold 20 examples, 500 times.
internal sealed class WeightLayouts : IShardedWork
{
    readonly NetworkShape shape;
    readonly PackedWeights?[] packed;
    Parameters? source;
    Parameters? pending; // what the pool's workers are preparing from
    int pendingParts;

    /// `secondTransposed`: whether passes will run the second layer from differences (M > 1).
    public WeightLayouts(NetworkShape shape, bool secondTransposed)
    {
        this.shape = shape;
        int n1 = shape.Sizes[1];
        packed = new PackedWeights?[shape.LayerCount];
        for (int l = 0; l < shape.LayerCount; l++)
            if (shape.Sizes[l + 1] > MatMul.NarrowWidth) packed[l] = new PackedWeights(shape.Sizes[l], shape.Sizes[l + 1]);
        if (secondTransposed && shape.HiddenLayerCount >= 2)
        {
            SecondStride = PaddedWidth(shape.Sizes[2]);
            SecondTransposed = new AlignedBuffer(n1 * SecondStride);
        }
    }

    /// W_l packed, or null when layer l + 1 is 16 units or fewer (the narrow kernel packs little).
    public PackedWeights? Packed(int layer) => packed[layer];
    /// (n1, SecondStride) W_2^T, or null.
    public AlignedBuffer? SecondTransposed { get; }
    public int SecondStride { get; }

    /// Whether the last `Prepare` read these parameters (a pass refuses layouts of others).
    public bool PreparedFrom(Parameters theta) => ReferenceEquals(source, theta);

    /// Prepares the layouts from `theta`, a part on each of the pool's workers.
    public void Prepare(Parameters theta, WorkerPool pool)
    {
        (pending, pendingParts) = (theta, pool.ThreadCount);
        pool.Run(this);
        pending = null;
    }

    void IShardedWork.Run(int shard) => Prepare(pending!, shard, pendingParts);

    /// Prepares part `part` of `parts`: an equal share of each laid-out W_l's panels (a W_2 held
    /// only as W_2^T goes whole to part 0); the layouts are whole once every part is done.
    public void Prepare(Parameters theta, int part, int parts)
    {
        source = theta;
        for (int l = 0; l < shape.LayerCount; l++)
        {
            if (!LaysOut(l)) continue;
            int rows = shape.Sizes[l + 1];
            int panels = packed[l]?.Panels ?? 1, band = packed[l] is null ? rows : MatMul.PanelWidth;
            int first = (int)((long)panels * part / parts), end = (int)((long)panels * (part + 1) / parts);
            if (first < end) RefreshRows(theta, l, first * band, Math.Min(rows, end * band));
        }
    }

    /// Whether the layouts hold anything of `W_layer`: packed panels, or W_2^T.
    public bool LaysOut(int layer) => packed[layer] is not null || (layer == 1 && SecondTransposed is not null);

    /// Whether a refresh of rows `[rowStart, rowEnd)` of `W_layer` touches whole panels only (32
    /// rows, or up to the last row), so that workers refreshing disjoint row bands never share one.
    static bool RowBandAligned(int rows, int rowStart, int rowEnd) =>
        rowStart % MatMul.PanelWidth == 0 && (rowEnd % MatMul.PanelWidth == 0 || rowEnd == rows);

    /// Refreshes what the layouts hold of rows `[rowStart, rowEnd)` of `W_layer` (a band that
    /// `RowBandAligned` accepts) from `theta`: their packed panels and, for `W_2`, their columns of
    /// `W_2^T`. A training step's update calls it for the band it has just changed, while those
    /// rows are still in the worker's cache, instead of a `Prepare` that reads all of theta again.
    public void RefreshRows(Parameters theta, int layer, int rowStart, int rowEnd)
    {
        int rows = shape.Sizes[layer + 1], inputs = shape.Sizes[layer];
        if (!RowBandAligned(rows, rowStart, rowEnd)) SfnnThrow.Argument("the rows must be whole 32-row panels");
        source = theta;
        if (packed[layer] is { } layerPacked)
            for (int panel = rowStart / MatMul.PanelWidth; panel * MatMul.PanelWidth < rowEnd; panel++)
                MatMul.PackForward(theta.W(layer), layerPacked, panel, layerPacked.Panels);
        if (layer == 1 && SecondTransposed is not null)
            Transpose.Rows(theta.W(1).Slice(rowStart * inputs, (rowEnd - rowStart) * inputs), rowEnd - rowStart, inputs,
                           SecondTransposed.Span[rowStart..], SecondStride);
    }

    internal static int PaddedWidth(int n) => (n + 15) & ~15;
}
