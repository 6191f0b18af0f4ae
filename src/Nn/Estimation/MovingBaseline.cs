namespace SimdSfnn.Nn.Estimation;

/// Bengio's per-unit baseline (2013, eq. (7)), `Lbar = E[(h - s)^2 C] / E[(h - s)^2]`, as the ratio
/// of two exponential moving averages over training steps; or, not adaptive, one fixed value for
/// every unit (the lab, where an estimator must be a fixed function of the samples). G1 subtracts
/// it from `C_M`, as the gated classifier's `reinforce` gater from each example's loss; the learned
/// correction regresses G1's signal with it.
internal sealed class MovingBaseline
{
    const float Decay = 0.99f; // moving averages over roughly the last hundred steps

    readonly float[][] baseline;    // Lbar_l per unit
    readonly float[][] numerator;   // moving average of (h - s)^2 C_M
    readonly float[][] denominator; // moving average of (h - s)^2
    readonly bool[] started;        // per layer: the first step sets the averages outright

    public MovingBaseline(IReadOnlyList<int> hiddenWidths, bool adaptive, float fixedBaseline)
    {
        Adaptive = adaptive;
        baseline = hiddenWidths.Select(w => Enumerable.Repeat(fixedBaseline, w).ToArray()).ToArray();
        numerator = hiddenWidths.Select(w => new float[w]).ToArray();
        denominator = hiddenWidths.Select(w => new float[w]).ToArray();
        started = new bool[hiddenWidths.Count];
    }

    public bool Adaptive { get; }

    /// Floats of one step's statistics of a layer of `width` units: `sum (h - s)^2 C_M`, then `sum (h - s)^2`.
    public int StatisticsLength(int width) => Adaptive ? 2 * width : 0;

    /// Whether hidden layer `hiddenLayer`'s averages hold a step (before it, `Lbar` is 0).
    public bool Started(int hiddenLayer) => started[hiddenLayer];

    /// `Lbar` of each unit of hidden layer `hiddenLayer`.
    public float[] Of(int hiddenLayer) => baseline[hiddenLayer];

    /// Folds one step's statistics (summed over shards) into the moving averages.
    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics)
    {
        if (!Adaptive) return;
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

    /// The numerator and denominator averages; the baseline follows from them. Empty before the first step.
    public float[] SaveState(int hiddenLayer) =>
        Adaptive && started[hiddenLayer] ? [.. numerator[hiddenLayer], .. denominator[hiddenLayer]] : [];

    /// The floats `SaveState` wrote, `2 * width` of them.
    public int StateLength(int hiddenLayer) => 2 * numerator[hiddenLayer].Length;

    /// Puts back what `SaveState` returned; false (and nothing changed) when it cannot be this
    /// layer's state (wrong length, a value that is not finite).
    public bool RestoreState(int hiddenLayer, ReadOnlySpan<float> state)
    {
        int width = numerator[hiddenLayer].Length;
        if (state.Length == 0) return true;
        if (!Adaptive || state.Length != 2 * width) return false;
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
