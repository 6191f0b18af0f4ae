using SimdSfnn.Nn.Estimation;
namespace SimdSfnn.Estimators;

/// G1: the unbiased likelihood-ratio estimator with Bengio's per-unit baseline.
/// Bengio 2013, Thm. 1 and Cor. 1 (eq. 7); Raiko et al. 2014, eq. (18)-(19).
public sealed class G1LikelihoodRatio : IGradientEstimator, IStatefulEstimator
{
    readonly MovingBaseline baseline;

    /// `adaptive`: keep the moving-average baseline of eq. 7 (training); otherwise the baseline
    /// stays at `fixedBaseline` for every unit (the lab, where G1 must be a fixed function of the samples).
    public G1LikelihoodRatio(IReadOnlyList<int> hiddenWidths, bool adaptive = true, float fixedBaseline = 0) =>
        baseline = new MovingBaseline(hiddenWidths, adaptive, fixedBaseline);

    public string Name => "G1";
    public bool SamplesHidden => true;
    public bool BackPropagates => false;
    public int StatisticsLength(int width) => baseline.StatisticsLength(width);
    public ReadOnlySpan<float> Baseline(int hiddenLayer) => baseline.Of(hiddenLayer);

    /// Raiko et al. 2014, eq. (19): d = (h - s) (C_M - Lbar)
    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics)
    {
        int width = layer.Width;
        bool adaptive = baseline.Adaptive;
        var Lbar = baseline.Of(layer.Layer).AsSpan();
        for (int r = 0; r < layer.Rows; r++)
        {
            float CM = layer.Criterion[r / layer.Samples];
            var h = layer.H.Slice(r * width, width);
            var s = layer.S.Slice(r * width, width);
            var dRow = d.Slice(r * width, width);
            for (int j = 0; j < width; j++)
            {
                float noise = h[j] - s[j];
                dRow[j] = noise * (CM - Lbar[j]);
                if (adaptive)
                {
                    // Bengio 2013, eq. (7): Lbar = E[(h - s)^2 C] / E[(h - s)^2]
                    statistics[j] += noise * noise * CM;
                    statistics[width + j] += noise * noise;
                }
            }
        }
    }

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics) => baseline.EndStep(hiddenLayer, statistics);

    /// The numerator and denominator averages of eq. (7); the baseline follows from them.
    public float[] SaveState(int hiddenLayer) => baseline.SaveState(hiddenLayer);

    public bool RestoreState(int hiddenLayer, ReadOnlySpan<float> state) => baseline.RestoreState(hiddenLayer, state);
}
