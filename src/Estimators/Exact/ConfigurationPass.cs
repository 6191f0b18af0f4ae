using SimdSfnn.Nn;

namespace SimdSfnn.Estimators.Exact;

/// One joint configuration `h = (h_1, ..., h_L)` of every hidden unit, evaluated plainly in
/// double precision: `log P(h | x)`, `log P(y | h)` and the per-configuration gradients that
/// the estimators are weighted sums of. Hidden unit `k`, counted layer by layer from the
/// bottom, is bit `k` of the configuration index.
internal sealed class ConfigurationPass
{
    readonly ExactNetwork net;
    readonly double[][] s;  // per hidden layer l: s_l = sigmoid(a_l), (n_l)
    readonly double[][] h;  // per hidden layer l: h_l, 0/1 (or s_l for the deterministic net), (n_l)
    readonly double[][] d;  // per hidden layer l: back-propagated signal d_l, (n_l)
    readonly double[] o;    // output pre-activation, (nOut)
    readonly double[] dOut; // d log P(y | h) / d o, (nOut)

    public ConfigurationPass(ExactNetwork net)
    {
        this.net = net;
        var widths = net.Shape.Sizes[1..^1];
        s = widths.Select(n => new double[n]).ToArray();
        h = widths.Select(n => new double[n]).ToArray();
        d = widths.Select(n => new double[n]).ToArray();
        o = new double[net.Shape.Outputs];
        dOut = new double[net.Shape.Outputs];
    }

    /// `log P(h | x) = sum_l sum_j h_lj log s_lj + (1 - h_lj) log (1 - s_lj)` (0 for the deterministic net).
    public double LogPrior { get; private set; }
    /// `log P(y | h)`.
    public double LogLikelihood { get; private set; }
    /// `s_l` of the last evaluated configuration, (n_l).
    public ReadOnlySpan<double> S(int layer) => s[layer];
    /// `h_l` of the last evaluated configuration, (n_l).
    public ReadOnlySpan<double> H(int layer) => h[layer];
    /// `d log P(y | h) / d o` of the last evaluated configuration, (nOut).
    public ReadOnlySpan<double> OutputSignal => dOut;

    /// Evaluates the sampled configuration `configuration`.
    public void Evaluate(int configuration) => Forward(configuration, deterministic: false);

    /// Evaluates the deterministic net, `h_l = s_l`.
    public void EvaluateDeterministic() => Forward(0, deterministic: true);

    void Forward(int configuration, bool deterministic)
    {
        LogPrior = 0;
        int bit = 0;
        ReadOnlySpan<double> below = net.X;
        for (int l = 0; l < net.HiddenLayers; l++)
        {
            var a = s[l]; // a_l, turned into s_l in place
            Affine(net.W(l), net.Bias(l), below, a);
            for (int j = 0; j < a.Length; j++)
            {
                double aj = a[j];
                s[l][j] = Sigmoid(aj);
                if (deterministic) { h[l][j] = s[l][j]; continue; }
                h[l][j] = (configuration >> bit++) & 1;
                // log P(h_lj | h_{l-1}) = log sigmoid(a) if h = 1, log sigmoid(-a) if h = 0
                LogPrior += h[l][j] == 1 ? LogSigmoid(aj) : LogSigmoid(-aj);
            }
            below = h[l];
        }

        // o = W_{L+1} h_L + b_{L+1}
        int L = net.HiddenLayers;
        Affine(net.W(L), net.Bias(L), below, o);
        LogLikelihood = OutputLogLikelihood(net, o, dOut);
    }

    /// `log P(y | h)` from the output pre-activation `o`, and its gradient `d/do` into `dOut`.
    internal static double OutputLogLikelihood(ExactNetwork net, ReadOnlySpan<double> o, Span<double> dOut)
    {
        if (net.Shape.Head == OutputHead.Softmax)
        {
            // log P(y | h) = o_y - log sum_k exp(o_k); d/do = onehot(y) - softmax(o)
            double logZ = LogSumExp(o);
            for (int k = 0; k < o.Length; k++) dOut[k] = (k == net.Label ? 1 : 0) - Math.Exp(o[k] - logZ);
            return o[net.Label] - logZ;
        }
        // log P(y | h) = sum_j y_j log sigmoid(o_j) + (1 - y_j) log sigmoid(-o_j); d/do = y - sigmoid(o)
        double logLikelihood = 0;
        for (int k = 0; k < o.Length; k++)
        {
            double y = net.Target[k];
            logLikelihood += y * LogSigmoid(o[k]) + (1 - y) * LogSigmoid(-o[k]);
            dOut[k] = y - Sigmoid(o[k]);
        }
        return logLikelihood;
    }

    /// Writes `d log P(y | h) / d theta_out` for the output layer's parameters (indices from
    /// `OutputOffset` on): `dW_{L+1} = (dlogP/do) h_L^T`, `db_{L+1} = dlogP/do`. Raiko et al. 2014, eq. (15)-(17) without `wbar`.
    public void WriteOutputGradient(Span<double> outputGradient)
    {
        int L = net.HiddenLayers;
        WriteOuterProduct(dOut, h[L - 1], outputGradient, 0, net.BiasOffset(L) - net.OutputOffset);
    }

    /// Writes the score `grad log P(h | x)` for every hidden parameter (indices below `OutputOffset`):
    /// `dW_l = (h_l - s_l) h_{l-1}^T`, `db_l = h_l - s_l`. Bengio 2013, Thm. 1; Raiko et al. 2014, eq. (18).
    public void WriteScore(Span<double> hiddenGradient)
    {
        for (int l = 0; l < net.HiddenLayers; l++)
        {
            for (int j = 0; j < s[l].Length; j++) d[l][j] = h[l][j] - s[l][j];
            WriteOuterProduct(d[l], l == 0 ? net.X : h[l - 1], hiddenGradient, net.WeightOffset(l), net.BiasOffset(l));
        }
    }

    /// Writes the back-propagated gradient of every hidden parameter, with the output signal
    /// `dlogP/do` (no `wbar`): `g_L = W_{L+1}^T dlogP/do`, `g_l = W_{l+1}^T d_{l+1}`, and
    /// `d_l = g_l` (straight-through, Raiko et al. 2014, eq. (20)) or, with `slope`,
    /// `d_l = s_l (1 - s_l) g_l` (eq. (23); with `h = s` the deterministic net's back-propagation).
    public void WriteBackPropagated(bool slope, Span<double> hiddenGradient)
    {
        ReadOnlySpan<double> upper = dOut;
        for (int l = net.HiddenLayers - 1; l >= 0; l--)
        {
            var W = net.W(l + 1); // (n_{l+1}, n_l)
            int width = d[l].Length;
            for (int k = 0; k < width; k++)
            {
                double g = 0;
                for (int j = 0; j < upper.Length; j++) g += W[j * width + k] * upper[j];
                d[l][k] = slope ? s[l][k] * (1 - s[l][k]) * g : g;
            }
            WriteOuterProduct(d[l], l == 0 ? net.X : h[l - 1], hiddenGradient, net.WeightOffset(l), net.BiasOffset(l));
            upper = d[l];
        }
    }

    /// Writes the noise `h - s` of every hidden unit, in configuration-bit order.
    public void WriteNoise(Span<double> noise)
    {
        int k = 0;
        for (int l = 0; l < net.HiddenLayers; l++)
            for (int j = 0; j < s[l].Length; j++) noise[k++] = h[l][j] - s[l][j];
    }

    /// `gradient[W] = delta below^T` at `weightOffset`, `gradient[b] = delta` at `biasOffset`.
    internal static void WriteOuterProduct(ReadOnlySpan<double> delta, ReadOnlySpan<double> below, Span<double> gradient, int weightOffset, int biasOffset)
    {
        for (int j = 0; j < delta.Length; j++)
        {
            for (int k = 0; k < below.Length; k++) gradient[weightOffset + j * below.Length + k] = delta[j] * below[k];
            gradient[biasOffset + j] = delta[j];
        }
    }

    /// `result = W input + b`, W (result.Length, input.Length).
    internal static void Affine(ReadOnlySpan<double> W, ReadOnlySpan<double> b, ReadOnlySpan<double> input, Span<double> result)
    {
        for (int j = 0; j < result.Length; j++)
        {
            double sum = b[j];
            for (int k = 0; k < input.Length; k++) sum += W[j * input.Length + k] * input[k];
            result[j] = sum;
        }
    }

    internal static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    /// `log sigmoid(a) = -log(1 + exp(-a))`, without overflow for large `|a|`.
    internal static double LogSigmoid(double a) => a >= 0 ? -double.LogP1(Math.Exp(-a)) : a - double.LogP1(Math.Exp(a));

    internal static double LogSumExp(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
