namespace SimdSfnn.Estimators.Exact;

/// Exact moments of the estimators by enumerating every joint configuration of `M` samples
/// on a tiny network: a plain double-precision implementation of the definitions in
/// spec/estimators.md, independent of the engine's fast path that it checks.
public static class ExactEnumeration
{
    /// The largest `H * M` enumerated (2^20 tuples take a few seconds).
    public const int MaxBits = 20;

    /// `c`: G5's constant (null: `1/M`); `baseline`: G1's `Lbar`, the same for every hidden unit.
    public static ExactMoments Compute(ExactNetwork net, int samples, double? c = null, double baseline = 0) =>
        Compute(net, samples, c, Enumerable.Repeat(baseline, net.HiddenUnits).ToArray());

    /// `baselinePerUnit`: G1's `Lbar` of each hidden unit, counted layer by layer from the bottom.
    public static ExactMoments Compute(ExactNetwork net, int samples, double? c, IReadOnlyList<double> baselinePerUnit)
    {
        CheckSize(net.HiddenUnits, samples);

        var table = new ConfigurationTable(net, cache: samples > 1);
        var walk = new TupleWalk(net, table, samples, c ?? 1.0 / samples, baselinePerUnit);
        walk.Run();
        var (logLikelihood, gradLogLikelihood) = LogLikelihoodAndGradient(net, table);

        int P = net.ParameterCount;
        var expected = new double[EstimatorRegistry.Names.Length][];
        var variance = new double[EstimatorRegistry.Names.Length][];
        for (int kind = 0; kind < walk.Estimators.Length; kind++)
        {
            expected[kind] = walk.Estimators[kind].Mean();
            variance[kind] = walk.Estimators[kind].Variance();
        }
        expected[(int)EstimatorKind.Deterministic] = DeterministicGradient(net);
        variance[(int)EstimatorKind.Deterministic] = new double[P];

        return new ExactMoments(samples, c ?? 1.0 / samples, walk.Objective, logLikelihood,
            walk.GradObjective, gradLogLikelihood, expected, variance,
            Ratio(walk.Eq7Numerator, walk.Eq7Denominator), Ratio(walk.OptimalNumerator, walk.OptimalDenominator),
            moments => LearnedCorrectionEnumeration.Compute(net, samples, moments.BengioBaseline));
    }

    /// Refuses `M < 1` and `H * M > MaxBits`.
    internal static void CheckSize(int H, int samples)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), "M must be at least 1");
        if ((long)H * samples > MaxBits)
            throw new ArgumentException($"H*M = {H}*{samples} = {H * samples} exceeds {MaxBits}: 2^{H * samples} joint configurations are too many to enumerate");
    }

    /// `log P(y | x) = log sum_h P(y | h) P(h | x)` and its gradient
    /// `sum_h P(h | y, x) (grad log P(y | h) + grad log P(h | x))`, over the `2^H` configurations.
    static (double, double[]) LogLikelihoodAndGradient(ExactNetwork net, ConfigurationTable table)
    {
        var logJoint = new double[table.Count];
        for (int k = 0; k < table.Count; k++) logJoint[k] = table.LogPrior[k] + table.LogLikelihood[k];
        double logLikelihood = ConfigurationPass.LogSumExp(logJoint);

        int O = net.OutputOffset;
        var gradient = new double[net.ParameterCount];
        for (int k = 0; k < table.Count; k++)
        {
            // P(h | y, x) = P(y | h) P(h | x) / P(y | x)
            double posterior = Math.Exp(logJoint[k] - logLikelihood);
            var score = table.Score(k);
            var output = table.Output(k);
            for (int i = 0; i < O; i++) gradient[i] += posterior * score[i];
            for (int i = O; i < gradient.Length; i++) gradient[i] += posterior * output[i - O];
        }
        return (logLikelihood, gradient);
    }

    /// The deterministic net's gradient of `log P(y | h = s)` by back-propagation (Raiko et al. 2014, section 3).
    static double[] DeterministicGradient(ExactNetwork net)
    {
        var pass = new ConfigurationPass(net);
        pass.EvaluateDeterministic();
        var gradient = new double[net.ParameterCount];
        pass.WriteBackPropagated(slope: true, gradient.AsSpan(0, net.OutputOffset));
        pass.WriteOutputGradient(gradient.AsSpan(net.OutputOffset));
        return gradient;
    }

    static double[] Ratio(double[] numerator, double[] denominator) =>
        numerator.Select((n, u) => denominator[u] > 0 ? n / denominator[u] : 0).ToArray();
}
