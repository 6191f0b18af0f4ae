using SimdSfnn.Nn.Estimation;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators;

/// The deterministic net: no sampling, `h = s`, ordinary back-propagation of `log P(y | h = s)`
/// (Raiko et al. 2014, section 3: G3 with the noise of eq. (22) set to zero): d = s (1 - s) g.
public sealed class DeterministicBackprop : IGradientEstimator
{
    public string Name => "deterministic";
    public bool SamplesHidden => false;
    public bool BackPropagates => true;
    public int StatisticsLength(int width) => 0;

    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics) =>
        SigmoidSlope.Multiply(layer.S, layer.G, d);

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics) { }
}
