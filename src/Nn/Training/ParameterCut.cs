using SimdSfnn.Nn.Passes;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Training;

/// How the fused update (sum the shards, step, lay the weights out again) divides the parameters
/// among the workers, so that each refreshes the packed rows it has just stepped.
internal static class ParameterCut
{
    /// The parameters cut for the fused update: every laid-out W_l into bands of whole 32-row panels
    /// (a W_l of at most 16 rows that only W_2^T holds: one band), every other W_l and every bias
    /// whole; dealt to the workers in order, about equal shares of floats each.
    public static ParameterRange[] Deal(NetworkShape shape, WeightLayouts layouts, Parameters offsets, int workers)
    {
        var cut = new List<(int Start, int Length, int Layer, int RowStart, int RowEnd)>();
        for (int l = 0; l < shape.LayerCount; l++)
        {
            int rows = shape.Sizes[l + 1], inputs = shape.Sizes[l], start = offsets.WeightOffset(l);
            int band = layouts.Packed(l) is not null ? MatMul.PanelWidth : rows;
            if (!layouts.LaysOut(l)) cut.Add((start, rows * inputs, -1, 0, 0));
            else
                for (int r = 0; r < rows; r += band)
                {
                    int end = Math.Min(rows, r + band);
                    cut.Add((start + r * inputs, (end - r) * inputs, l, r, end));
                }
            cut.Add((offsets.BiasOffset(l), rows, -1, 0, 0));
        }
        long total = shape.ParameterCount, before = 0;
        var ranges = new ParameterRange[cut.Count];
        for (int i = 0; i < cut.Count; i++)
        {
            var c = cut[i];
            int worker = (int)Math.Min(workers - 1, (before + c.Length / 2) * workers / Math.Max(1, total));
            ranges[i] = new ParameterRange(c.Start, c.Length, c.Layer, c.RowStart, c.RowEnd, worker);
            before += c.Length;
        }
        return ranges;
    }
}

/// `[Start, Start + Length)` of the parameters, worker `Worker`'s; rows `[RowStart, RowEnd)`
/// of `W_Layer` to lay out again after the step, or `Layer` -1.
internal readonly record struct ParameterRange(int Start, int Length, int Layer, int RowStart, int RowEnd, int Worker);
