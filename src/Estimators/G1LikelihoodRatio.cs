using SimdSfnn.Nn.Estimation;
namespace SimdSfnn.Estimators;

/// G1: the unbiased likelihood-ratio estimator with Bengio's per-unit baseline.
/// Bengio 2013, Thm. 1 and Cor. 1 (eq. 7); Raiko et al. 2014, eq. (18)-(19).
public sealed class G1LikelihoodRatio : IGradientEstimator, IStatefulEstimator
{
    const float Decay = 0.99f; // moving averages over roughly the last hundred steps

    readonly float[][] baseline;    // Lbar_l per unit
    readonly float[][] numerator;   // moving average of (h - s)^2 C_M
    readonly float[][] denominator; // moving average of (h - s)^2
    readonly bool adaptive;
    readonly bool[] started; // per layer: the first step sets the averages outright

    /// `adaptive`: keep the moving-average baseline of eq. 7 (training); otherwise the baseline
    /// stays at `fixedBaseline` for every unit (the lab, where G1 must be a fixed function of the samples).
    public G1LikelihoodRatio(IReadOnlyList<int> hiddenWidths, bool adaptive = true, float fixedBaseline = 0)
    {
        this.adaptive = adaptive;
        baseline = hiddenWidths.Select(w => Enumerable.Repeat(fixedBaseline, w).ToArray()).ToArray();
        numerator = hiddenWidths.Select(w => new float[w]).ToArray();
        denominator = hiddenWidths.Select(w => new float[w]).ToArray();
        started = new bool[hiddenWidths.Count];
    }

    public string Name => "G1";
    public bool SamplesHidden => true;
    public bool BackPropagates => false;
    public int StatisticsLength(int width) => adaptive ? 2 * width : 0;
    public ReadOnlySpan<float> Baseline(int hiddenLayer) => baseline[hiddenLayer];

    /// Raiko et al. 2014, eq. (19): d = (h - s) (C_M - Lbar)
    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics)
    {
        int width = layer.Width;
        var Lbar = baseline[layer.Layer].AsSpan();
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

    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics)
    {
        if (!adaptive) return;
        var num = numerator[hiddenLayer];
        var den = denominator[hiddenLayer];
        int width = num.Length;
        float keep = started[hiddenLayer] ? Decay : 0;
        for (int j = 0; j < width; j++)
        {
            num[j] = keep * num[j] + (1 - keep) * statistics[j];
            den[j] = keep * den[j] + (1 - keep) * statistics[width + j];
            baseline[hiddenLayer][j] = den[j] > 0 ? num[j] / den[j] : 0;
        }
        started[hiddenLayer] = true;
    }

    /// The numerator and denominator averages of eq. (7); the baseline follows from them.
    public float[] SaveState(int hiddenLayer) =>
        adaptive && started[hiddenLayer] ? [.. numerator[hiddenLayer], .. denominator[hiddenLayer]] : [];

    public bool RestoreState(int hiddenLayer, ReadOnlySpan<float> state)
    {
        int width = numerator[hiddenLayer].Length;
        if (state.Length == 0) return true;
        if (!adaptive || state.Length != 2 * width) return false;
        foreach (float v in state) if (!float.IsFinite(v)) return false;
        state[..width].CopyTo(numerator[hiddenLayer]);
        state[width..].CopyTo(denominator[hiddenLayer]);
        // The same expression as EndStep, so the restored baseline has the same bits.
        for (int j = 0; j < width; j++)
        {
            float den = denominator[hiddenLayer][j];
            baseline[hiddenLayer][j] = den > 0 ? numerator[hiddenLayer][j] / den : 0;
        }
        started[hiddenLayer] = true;
        return true;
    }
}
