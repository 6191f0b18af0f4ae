namespace SimdSfnn.Estimators.Exact;

/// All `2^H` configurations of one sample with what the estimators need of each:
/// `log P(h | x)`, `log P(y | h)`, the noise `h - s`, and the per-configuration gradients
/// (output layer, score, straight-through and slope back-propagation). With `cache` every
/// configuration is evaluated once and kept (the tuple walk revisits them `2^(H(M-1))` times);
/// without it a configuration is evaluated again when asked for (M = 1 visits each once, and
/// `2^H` rows of gradients would not fit in memory for large `H`).
internal sealed class ConfigurationTable
{
    readonly ConfigurationPass pass;
    readonly bool cache;
    readonly int hiddenParameters, outputParameters, H;
    readonly double[] output, score, straight, slope, noise; // (count, width) rows
    int current = -1; // the configuration `pass` holds and the scratch rows describe (no cache)

    public ConfigurationTable(ExactNetwork net, bool cache)
    {
        H = net.HiddenUnits;
        if (H > 30) throw new ArgumentException($"{H} hidden units have too many configurations to enumerate");
        Count = 1 << H;
        this.cache = cache;
        pass = new ConfigurationPass(net);
        hiddenParameters = net.OutputOffset;
        outputParameters = net.ParameterCount - net.OutputOffset;
        LogPrior = new double[Count];
        LogLikelihood = new double[Count];
        int rows = cache ? Count : 1;
        output = new double[rows * outputParameters];
        score = new double[rows * hiddenParameters];
        straight = new double[rows * hiddenParameters];
        slope = new double[rows * hiddenParameters];
        noise = new double[rows * H];
        for (int k = 0; k < Count; k++)
        {
            pass.Evaluate(k);
            LogPrior[k] = pass.LogPrior;
            LogLikelihood[k] = pass.LogLikelihood;
            if (cache) WriteRow(k, k);
        }
    }

    /// `2^H`.
    public int Count { get; }
    /// `log P(h | x)` of each configuration.
    public double[] LogPrior { get; }
    /// `log P(y | h)` of each configuration.
    public double[] LogLikelihood { get; }

    /// `d log P(y | h) / d theta_out` (the output layer's parameters).
    public ReadOnlySpan<double> Output(int k) => Row(output, k, outputParameters);
    /// `grad log P(h | x)` (the hidden parameters).
    public ReadOnlySpan<double> Score(int k) => Row(score, k, hiddenParameters);
    /// G2's back-propagated hidden gradient before the factor `wbar`.
    public ReadOnlySpan<double> StraightThrough(int k) => Row(straight, k, hiddenParameters);
    /// G3's back-propagated hidden gradient before the factor `wbar`.
    public ReadOnlySpan<double> SlopeThrough(int k) => Row(slope, k, hiddenParameters);
    /// `h - s` of every hidden unit.
    public ReadOnlySpan<double> Noise(int k) => Row(noise, k, H);

    ReadOnlySpan<double> Row(double[] rows, int k, int width)
    {
        if (cache) return rows.AsSpan(k * width, width);
        if (current != k)
        {
            pass.Evaluate(k);
            WriteRow(0, k);
            current = k;
        }
        return rows.AsSpan(0, width);
    }

    void WriteRow(int row, int k)
    {
        pass.WriteOutputGradient(output.AsSpan(row * outputParameters, outputParameters));
        pass.WriteScore(score.AsSpan(row * hiddenParameters, hiddenParameters));
        pass.WriteBackPropagated(slope: false, straight.AsSpan(row * hiddenParameters, hiddenParameters));
        pass.WriteBackPropagated(slope: true, slope.AsSpan(row * hiddenParameters, hiddenParameters));
        pass.WriteNoise(noise.AsSpan(row * H, H));
    }
}
