using SimdSfnn.Nn;

namespace SimdSfnn.Estimators.Exact;

/// Exact moments of the STS estimator on a tiny network of stochastic-times-smooth units
/// (1308.3432 section 2.2, eq. 2; units.md): `h = b sqrt(p)`, `p = sigmoid(a)`,
/// `b ~ Bernoulli(sqrt(p))`, and the estimator back-propagates through `sqrt(p)` with `b` held.
/// Every hidden state is fixed by its bits `b`, so the `2^(H M)` tuples of `M` samples are
/// enumerated, in double precision and independently of the engine:
///   objective `E[C_M]`,  its gradient `E[dC_M/dtheta | b] + E[C_M d log P(b)/dtheta]`,
///   and the estimator's mean `E[dC_M/dtheta | b]` and variance; so its bias is the second term.
internal static class StsEnumeration
{
    public static StsMoments Compute(ExactNetwork net, int samples)
    {
        int H = net.HiddenUnits, P = net.ParameterCount;
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), "M must be at least 1");
        if ((long)H * samples > ExactEnumeration.MaxBits)
            throw new ArgumentException($"H*M = {H}*{samples} exceeds {ExactEnumeration.MaxBits}: too many tuples to enumerate");

        // per configuration k of the H bits: log P(b | x), log w = log P(y | h), and the two gradients
        int K = 1 << H;
        var logPrior = new double[K];
        var logW = new double[K];
        var pathwise = new double[K][]; // d log w / dtheta with b held
        var score = new double[K][];    // d log P(b | x) / dtheta
        var pass = new StsPass(net);
        for (int k = 0; k < K; k++)
        {
            (logPrior[k], logW[k]) = pass.Forward(k);
            pathwise[k] = pass.Backward(outputSignal: true);
            score[k] = pass.Backward(outputSignal: false);
        }

        var mean = new double[P];
        var square = new double[P];
        var scoreTerm = new double[P];
        var estimate = new double[P];
        var tupleScore = new double[P];
        var configurations = new int[samples];
        var weights = new double[samples];
        double objective = 0;
        for (long tuple = 0; tuple < 1L << (H * samples); tuple++)
        {
            double logProbability = 0;
            for (int m = 0; m < samples; m++)
            {
                configurations[m] = (int)((tuple >> (m * H)) & (K - 1));
                logProbability += logPrior[configurations[m]];
            }
            double probability = Math.Exp(logProbability);
            if (probability == 0) continue;
            // C_M = log (1/M) sum_m w_m and wbar_m = w_m / sum_m' w_m' (Raiko et al. 2014, eq. 6)
            for (int m = 0; m < samples; m++) weights[m] = logW[configurations[m]];
            double logSum = ConfigurationPass.LogSumExp(weights);
            double criterion = logSum - Math.Log(samples);
            Array.Clear(estimate);
            Array.Clear(tupleScore);
            for (int m = 0; m < samples; m++)
            {
                double wBar = Math.Exp(weights[m] - logSum);
                var g = pathwise[configurations[m]];
                var s = score[configurations[m]];
                for (int i = 0; i < P; i++)
                {
                    estimate[i] += wBar * g[i];
                    tupleScore[i] += s[i];
                }
            }
            objective += probability * criterion;
            for (int i = 0; i < P; i++)
            {
                mean[i] += probability * estimate[i];
                square[i] += probability * estimate[i] * estimate[i];
                scoreTerm[i] += probability * criterion * tupleScore[i];
            }
        }

        // log P(y | x) = log sum_b P(b | x) P(y | h(b)), and its gradient under the posterior over b
        var logJoint = logPrior.Select((lp, k) => lp + logW[k]).ToArray();
        double logLikelihood = ConfigurationPass.LogSumExp(logJoint);
        var gradLogLikelihood = new double[P];
        for (int k = 0; k < K; k++)
        {
            double posterior = Math.Exp(logJoint[k] - logLikelihood);
            for (int i = 0; i < P; i++) gradLogLikelihood[i] += posterior * (pathwise[k][i] + score[k][i]);
        }
        var variance = mean.Select((mu, i) => Math.Max(0, square[i] - mu * mu)).ToArray();
        var gradObjective = mean.Select((mu, i) => mu + scoreTerm[i]).ToArray();
        return new StsMoments(samples, objective, logLikelihood, gradObjective, gradLogLikelihood, mean, variance);
    }

    /// One configuration's forward and backward passes in double precision.
    sealed class StsPass(ExactNetwork net)
    {
        readonly NetworkShape shape = net.Shape;
        readonly double[][] p = net.Shape.Sizes[1..^1].Select(n => new double[n]).ToArray();
        readonly double[][] q = net.Shape.Sizes[1..^1].Select(n => new double[n]).ToArray();
        readonly double[][] bit = net.Shape.Sizes[1..^1].Select(n => new double[n]).ToArray();
        readonly double[][] h = net.Shape.Sizes[1..^1].Select(n => new double[n]).ToArray();
        readonly double[] output = new double[net.Shape.Outputs];
        readonly double[] outputSignal = new double[net.Shape.Outputs];

        /// `h` of every layer for the bits of `configuration` (bit u of the H, counted from the
        /// bottom layer up); returns `log P(b | x)` and `log w`.
        public (double LogPrior, double LogW) Forward(int configuration)
        {
            double logPrior = 0;
            int u = 0;
            for (int k = 0; k < p.Length; k++)
            {
                var a = p[k]; // a_k, turned into p_k in place
                ConfigurationPass.Affine(net.W(k), net.Bias(k), Input(k), a);
                for (int j = 0; j < a.Length; j++, u++)
                {
                    p[k][j] = ConfigurationPass.Sigmoid(a[j]);
                    q[k][j] = Math.Sqrt(p[k][j]);
                    bit[k][j] = (configuration >> u) & 1;
                    h[k][j] = bit[k][j] * q[k][j];
                    logPrior += bit[k][j] == 1 ? Math.Log(q[k][j]) : Math.Log(1 - q[k][j]);
                }
            }
            int L = p.Length;
            ConfigurationPass.Affine(net.W(L), net.Bias(L), h[^1], output);
            return (logPrior, ConfigurationPass.OutputLogLikelihood(net, output, outputSignal));
        }

        /// The gradient of `log w` (`outputSignal`) or of `log P(b | x)` with the bits held:
        /// `d_l = dh_l/da_l * W_{l+1}^T d_{l+1}` plus, for the prior, each layer's own
        /// `d log P(b_l | a_l) / da_l = b (1 - p) / 2 - (1 - b) q (1 - p) / (2 (1 - q))`.
        public double[] Backward(bool outputSignal)
        {
            var gradient = new double[net.ParameterCount];
            int L = p.Length;
            var signal = outputSignal ? this.outputSignal.ToArray() : new double[shape.Outputs];
            ConfigurationPass.WriteOuterProduct(signal, h[^1], gradient, net.WeightOffset(L), net.BiasOffset(L));
            for (int k = L - 1; k >= 0; k--)
            {
                var below = Transposed(k + 1, signal);
                signal = new double[below.Length];
                for (int j = 0; j < below.Length; j++)
                {
                    double slope = q[k][j] * (1 - p[k][j]) / 2; // d sqrt(p) / da
                    signal[j] = bit[k][j] * slope * below[j];
                    if (!outputSignal) signal[j] += bit[k][j] == 1 ? (1 - p[k][j]) / 2 : -slope / (1 - q[k][j]);
                }
                ConfigurationPass.WriteOuterProduct(signal, Input(k), gradient, net.WeightOffset(k), net.BiasOffset(k));
            }
            return gradient;
        }

        ReadOnlySpan<double> Input(int layer) => layer == 0 ? net.X : h[layer - 1];

        /// `W_layer^T signal`.
        double[] Transposed(int layer, double[] signal)
        {
            var w = net.W(layer);
            int n = shape.Sizes[layer];
            var result = new double[n];
            for (int i = 0; i < signal.Length; i++)
                for (int j = 0; j < n; j++) result[j] += w[i * n + j] * signal[i];
            return result;
        }
    }
}

/// What `StsEnumeration` computes: the objective `E[C_M]`, `log P(y | x)`, their exact gradients,
/// and the STS estimator's mean and variance (the layout of `Parameters`).
internal sealed record StsMoments(int Samples, double Objective, double LogLikelihood, double[] GradObjective,
                                double[] GradLogLikelihood, double[] Expected, double[] Variance);
