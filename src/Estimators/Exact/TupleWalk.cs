namespace SimdSfnn.Estimators.Exact;

/// The sum over all `2^(H M)` tuples `(h^(1), ..., h^(M))` of one-sample configurations, each
/// with probability `prod_m P(h^(m) | x)`, walked depth first: level `m` adds sample `m`'s terms
/// to running sums over samples, so a tuple costs O(P) and the sums never drift (every level
/// is its parent plus one term). At each tuple it evaluates G1-G5 from their definitions.
sealed class TupleWalk
{
    readonly ConfigurationTable table;
    readonly int M, O, P, H;   // samples, first output parameter, parameters, hidden units
    readonly double c;         // G5's constant
    readonly double[] baselineOfParameter; // G1's Lbar of the unit each hidden parameter belongs to
    readonly double[] w;       // P(y | h) / max_h P(y | h) per configuration (wbar and C_M are invariant to the scale)
    readonly double logScale;  // max_h log P(y | h)

    // sums over the samples 1..m of level m (index m = 0 is the empty sum)
    readonly double[] sumW;                // sum_m w^(m)
    readonly double[][] sumWOutput;        // sum_m w^(m) dlogP(y|h^(m))/dtheta_out, (P - O)
    readonly double[][] sumWScore;         // sum_m w^(m) grad log P(h^(m)|x), (O)
    readonly double[][] sumScore;          // sum_m grad log P(h^(m)|x), (O)
    readonly double[][] sumWStraight;      // sum_m w^(m) straight-through back-propagation, (O)
    readonly double[][] sumWSlope;         // sum_m w^(m) slope back-propagation, (O)
    readonly double[][] sumNoise;          // sum_m (h^(m) - s^(m)) per unit, (H)
    readonly double[][] sumSquaredNoise;   // sum_m (h^(m) - s^(m))^2 per unit, (H)

    readonly double[] G; // the estimate at the current tuple, (P)

    public TupleWalk(ExactNetwork net, ConfigurationTable table, int samples, double c, IReadOnlyList<double> baselinePerUnit)
    {
        this.table = table;
        this.c = c;
        M = samples;
        O = net.OutputOffset;
        P = net.ParameterCount;
        H = net.HiddenUnits;
        baselineOfParameter = BaselineOfParameter(net, baselinePerUnit);
        logScale = table.LogLikelihood.Max();
        w = table.LogLikelihood.Select(logW => Math.Exp(logW - logScale)).ToArray();
        sumW = new double[M + 1];
        sumWOutput = Levels(P - O);
        sumWScore = Levels(O);
        sumScore = Levels(O);
        sumWStraight = Levels(O);
        sumWSlope = Levels(O);
        sumNoise = Levels(H);
        sumSquaredNoise = Levels(H);
        G = new double[P];
        Estimators = [new(P), new(P), new(P), new(P), new(P)];
        GradObjective = new double[P];
        Eq7Numerator = new double[H];
        Eq7Denominator = new double[H];
        OptimalNumerator = new double[H];
        OptimalDenominator = new double[H];
    }

    /// Moments of G1..G5, in the order of `EstimatorKind`.
    public WeightedMoments[] Estimators { get; }
    /// `E[C_M]`.
    public double Objective { get; private set; }
    /// `grad E[C_M] = E[dC_M/dtheta + C_M sum_m grad log P(h^(m) | x)]`.
    public double[] GradObjective { get; }
    /// Per unit, `E[sum_m N_m^2 C_M]` and `E[sum_m N_m^2]`, `N_m = h^(m) - s^(m)` (Bengio 2013, eq. (7)).
    public double[] Eq7Numerator { get; }
    public double[] Eq7Denominator { get; }
    /// Per unit, `E[N^2 C_M]` and `E[N^2]`, `N = sum_m (h^(m) - s^(m))` (the variance-minimising constant for a hidden bias).
    public double[] OptimalNumerator { get; }
    public double[] OptimalDenominator { get; }

    public void Run() => Visit(0, 1.0);

    void Visit(int m, double probability)
    {
        for (int k = 0; k < table.Count; k++)
        {
            // prod_m P(h^(m) | x) over the samples so far
            double p = probability * Math.Exp(table.LogPrior[k]);
            if (p == 0) continue;
            sumW[m + 1] = sumW[m] + w[k];
            AddScaled(sumWOutput[m], w[k], table.Output(k), sumWOutput[m + 1]);
            AddScaled(sumWScore[m], w[k], table.Score(k), sumWScore[m + 1]);
            AddScaled(sumScore[m], 1, table.Score(k), sumScore[m + 1]);
            AddScaled(sumWStraight[m], w[k], table.StraightThrough(k), sumWStraight[m + 1]);
            AddScaled(sumWSlope[m], w[k], table.SlopeThrough(k), sumWSlope[m + 1]);
            var noise = table.Noise(k);
            for (int u = 0; u < H; u++)
            {
                sumNoise[m + 1][u] = sumNoise[m][u] + noise[u];
                sumSquaredNoise[m + 1][u] = sumSquaredNoise[m][u] + noise[u] * noise[u];
            }
            if (m + 1 == M) Tuple(p);
            else Visit(m + 1, p);
        }
    }

    /// One complete tuple of probability `p`: every estimate, from its equation.
    void Tuple(double p)
    {
        double Sw = sumW[M];
        var wOutput = sumWOutput[M];
        var wScore = sumWScore[M];
        var score = sumScore[M];
        var wStraight = sumWStraight[M];
        var wSlope = sumWSlope[M];
        // C_M = log (1/M) sum_m w^(m)
        double CM = Math.Log(Sw / M) + logScale;
        Objective += p * CM;

        // G1, Raiko et al. 2014, eq. (19): sum_m (C_M - Lbar) grad log P(h^(m) | x)
        for (int i = 0; i < O; i++) G[i] = (CM - baselineOfParameter[i]) * score[i];
        AddOutputLayerAndRecord(EstimatorKind.G1, p, Sw, wOutput);

        // G2, eq. (20): sum_m wbar^(m) (straight-through back-propagation of dlogP/do)
        for (int i = 0; i < O; i++) G[i] = wStraight[i] / Sw;
        AddOutputLayerAndRecord(EstimatorKind.G2, p, Sw, wOutput);

        // G3, eq. (23): sum_m wbar^(m) (back-propagation through the sigmoid slope)
        for (int i = 0; i < O; i++) G[i] = wSlope[i] / Sw;
        AddOutputLayerAndRecord(EstimatorKind.G3, p, Sw, wOutput);

        // G4, eq. (31): sum_m wbar^(m) grad log P(h^(m) | x)
        for (int i = 0; i < O; i++) G[i] = wScore[i] / Sw;
        AddOutputLayerAndRecord(EstimatorKind.G4, p, Sw, wOutput);

        // G5, eq. (33): sum_m (wbar^(m) - c) grad log P(h^(m) | x)
        for (int i = 0; i < O; i++) G[i] = wScore[i] / Sw - c * score[i];
        AddOutputLayerAndRecord(EstimatorKind.G5, p, Sw, wOutput);

        // grad E[C_M]: E[ dC_M/dtheta + C_M sum_m grad log P(h^(m) | x) ], dC_M/dtheta_out = sum_m wbar^(m) dlogP(y|h^(m))/dtheta_out
        for (int i = 0; i < O; i++) GradObjective[i] += p * CM * score[i];
        for (int i = O; i < P; i++) GradObjective[i] += p * wOutput[i - O] / Sw;

        var noise = sumNoise[M];
        var squaredNoise = sumSquaredNoise[M];
        for (int u = 0; u < H; u++)
        {
            Eq7Numerator[u] += p * squaredNoise[u] * CM;
            Eq7Denominator[u] += p * squaredNoise[u];
            OptimalNumerator[u] += p * noise[u] * noise[u] * CM;
            OptimalDenominator[u] += p * noise[u] * noise[u];
        }
    }

    /// Raiko et al. 2014, eq. (15)-(17), the output layer of every estimator: sum_m wbar^(m) dlogP(y|h^(m))/dtheta_out.
    void AddOutputLayerAndRecord(EstimatorKind kind, double p, double Sw, double[] wOutput)
    {
        for (int i = O; i < P; i++) G[i] = wOutput[i - O] / Sw;
        Estimators[(int)kind].Add(p, G);
    }

    static void AddScaled(double[] sum, double scale, ReadOnlySpan<double> term, double[] result)
    {
        for (int i = 0; i < result.Length; i++) result[i] = sum[i] + scale * term[i];
    }

    double[][] Levels(int width)
    {
        var levels = new double[M + 1][];
        for (int m = 0; m <= M; m++) levels[m] = new double[width];
        return levels;
    }

    /// Spreads one baseline per hidden unit over that unit's weights and bias.
    static double[] BaselineOfParameter(ExactNetwork net, IReadOnlyList<double> baselinePerUnit)
    {
        if (baselinePerUnit.Count != net.HiddenUnits) throw new ArgumentException($"need {net.HiddenUnits} baselines, one per hidden unit");
        var result = new double[net.OutputOffset];
        int unit = 0;
        for (int l = 0; l < net.HiddenLayers; l++)
        {
            int nIn = net.Shape.Sizes[l], nOut = net.Shape.Sizes[l + 1];
            for (int j = 0; j < nOut; j++, unit++)
            {
                for (int k = 0; k < nIn; k++) result[net.WeightOffset(l) + j * nIn + k] = baselinePerUnit[unit];
                result[net.BiasOffset(l) + j] = baselinePerUnit[unit];
            }
        }
        return result;
    }
}
