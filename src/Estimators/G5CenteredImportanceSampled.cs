using System.Numerics.Tensors;
using SimdSfnn.Nn.Estimation;

namespace SimdSfnn.Estimators;

/// G5: G4 with the constant `c` subtracted from the weights (the paper's unbiased proposal;
/// same expectation as G4, lower variance near `c = 1/M`).
/// Raiko et al. 2014, eq. (33): d = (wbar - c) (h - s).
public sealed class G5CenteredImportanceSampled(float? c = null) : IGradientEstimator
{
    /// `c`, or null for the default `1/M`.
    public float? C { get; } = c;
    public string Name => "G5";
    public bool SamplesHidden => true;
    public bool BackPropagates => false;
    public int StatisticsLength(int width) => 0;

    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics)
    {
        int width = layer.Width;
        float c = C ?? 1f / layer.Samples;
        TensorPrimitives.Subtract(layer.H, layer.S, d.Slice(0, layer.Rows * width));
        for (int r = 0; r < layer.Rows; r++)
        {
            var dRow = d.Slice(r * width, width);
            TensorPrimitives.Multiply(dRow, layer.WeightBar[r] - c, dRow);
        }
    }

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics) { }
}
