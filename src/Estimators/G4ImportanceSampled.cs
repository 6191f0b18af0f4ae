using System.Numerics.Tensors;
using SimdSfnn.Nn.Estimation;

namespace SimdSfnn.Estimators;

/// G4: Tang & Salakhutdinov's importance-weighted likelihood-ratio estimator.
/// Raiko et al. 2014, eq. (31): d = wbar (h - s).
public sealed class G4ImportanceSampled : IGradientEstimator
{
    public string Name => "G4";
    public bool SamplesHidden => true;
    public bool BackPropagates => false;
    public int StatisticsLength(int width) => 0;

    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics)
    {
        int width = layer.Width;
        TensorPrimitives.Subtract(layer.H, layer.S, d.Slice(0, layer.Rows * width));
        for (int r = 0; r < layer.Rows; r++)
        {
            var dRow = d.Slice(r * width, width);
            TensorPrimitives.Multiply(dRow, layer.WeightBar[r], dRow);
        }
    }

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics) { }
}
