using SimdSfnn.Nn.Estimation;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators;

/// G3: straight-through with the sigmoid's slope in place of dh/da (the paper's proposal).
/// Raiko et al. 2014, eq. (23): d = s (1 - s) g.
public sealed class G3SlopeStraightThrough : IGradientEstimator
{
    public string Name => "G3";
    public bool SamplesHidden => true;
    public bool BackPropagates => true;
    public bool SignalIsElementwiseInSAndG => true;
    public int StatisticsLength(int width) => 0;

    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics) =>
        SigmoidSlope.Multiply(layer.S, layer.G, d);

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics) { }
}
