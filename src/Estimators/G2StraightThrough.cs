using SimdSfnn.Nn.Estimation;
namespace SimdSfnn.Estimators;

/// G2: Bengio's straight-through estimator, back-propagating as if dh/da were 1.
/// Bengio 2013, section 4; Raiko et al. 2014, eq. (20): d = g.
public sealed class G2StraightThrough : IGradientEstimator
{
    public string Name => "G2";
    public bool SamplesHidden => true;
    public bool BackPropagates => true;
    public bool SignalIsElementwiseInSAndG => true;
    public int StatisticsLength(int width) => 0;

    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics) =>
        layer.G.CopyTo(d);

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics) { }
}
