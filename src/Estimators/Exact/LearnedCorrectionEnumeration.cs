namespace SimdSfnn.Estimators.Exact;

/// The learned correction (Bengio 2013, section 3.2.2) on a tiny network, exactly. Its regressor
/// predicts each hidden unit's signal as `d = c_l . phi(s, h, g)`, one coefficient vector per
/// layer. The exact fit takes, layer by layer from the top down (a layer's `g` is back-propagated
/// from the corrected signals above it), the `c_l` minimising
/// `E[sum_m sum_j (c_l . phi_j^(m) - G1_j^(m))^2]` over the enumerated distribution of the M
/// samples, with G1's signal `G1_j^(m) = (h_j^(m) - s_j^(m)) (C_M - Lbar_j)`: the best the family
/// can do, approaching `E[G1 | phi]`. Then the mean and variance of the gradient the prediction
/// gives, `G(W_l) = sum_m d_l^(m) h_{l-1}^(m)^T` (the output layer as every estimator's).
public static class LearnedCorrectionEnumeration
{
    /// The exact fit and its moments. `baselinePerUnit`: G1's `Lbar` of each hidden unit, counted
    /// layer by layer from the bottom (training's regression uses eq. (7)'s, `ExactMoments.BengioBaseline`);
    /// `family`: the regressor's features (null: the training estimator's, `LearnedCorrection.Features`).
    public static LearnedCorrectionMoments Compute(ExactNetwork net, int samples, IReadOnlyList<double> baselinePerUnit,
                                                   IReadOnlyList<CorrectionFeature>? family = null)
    {
        family ??= LearnedCorrection.Features;
        var walk = new CorrectionWalk(net, samples, baselinePerUnit, family);
        var coefficients = new double[net.HiddenLayers][];
        for (int l = net.HiddenLayers - 1; l >= 0; l--) coefficients[l] = walk.Fit(l, coefficients);
        var (mean, variance) = walk.Moments(coefficients);
        return new LearnedCorrectionMoments([.. family], coefficients, mean, variance);
    }

    /// The moments of the gradient with given coefficients (per hidden layer, one per feature of
    /// `family`), for instance those an online fit reached.
    public static (double[] Mean, double[] Variance) Moments(ExactNetwork net, int samples, IReadOnlyList<double> baselinePerUnit,
                                                             IReadOnlyList<CorrectionFeature> family, IReadOnlyList<double[]> coefficients) =>
        new CorrectionWalk(net, samples, baselinePerUnit, family).Moments(coefficients);

    /// Solves the symmetric system `A c = b` (K x K, row-major, positive semi-definite) by Gaussian
    /// elimination with partial pivoting, after scaling it to a unit diagonal (so that a pivot
    /// measures how much of a feature the others leave unexplained). A pivot below 1e-12, a
    /// feature that the others span to within a sine of 1e-6 (or one that is always 0), gets the
    /// coefficient 0.
    internal static double[] Solve(double[] A, double[] b)
    {
        int K = b.Length;
        var scale = new double[K];
        for (int i = 0; i < K; i++) scale[i] = A[i * K + i] > 0 ? 1 / Math.Sqrt(A[i * K + i]) : 0;
        var m = new double[K * K];
        var rhs = new double[K];
        for (int i = 0; i < K; i++)
        {
            for (int j = 0; j < K; j++) m[i * K + j] = scale[i] * A[i * K + j] * scale[j];
            rhs[i] = scale[i] * b[i];
        }
        var solution = new double[K];
        var pivotRow = new int[K]; // the row each column was eliminated with; -1 for a dropped column
        var order = Enumerable.Range(0, K).ToArray(); // rows not yet pivoted on are order[next..]
        int next = 0;
        for (int col = 0; col < K; col++)
        {
            int pivot = next;
            for (int r = next + 1; r < K; r++)
                if (Math.Abs(m[order[r] * K + col]) > Math.Abs(m[order[pivot] * K + col])) pivot = r;
            if (!(Math.Abs(m[order[pivot] * K + col]) > 1e-12))
            {
                // a dependent feature: its coefficient stays 0 and it uses up no row
                pivotRow[col] = -1;
                continue;
            }
            (order[next], order[pivot]) = (order[pivot], order[next]);
            int p = pivotRow[col] = order[next++];
            for (int r = next; r < K; r++)
            {
                int q = order[r];
                double factor = m[q * K + col] / m[p * K + col];
                for (int c = col; c < K; c++) m[q * K + c] -= factor * m[p * K + c];
                rhs[q] -= factor * rhs[p];
            }
        }
        for (int col = K - 1; col >= 0; col--)
        {
            int p = pivotRow[col];
            if (p < 0) continue;
            double sum = rhs[p];
            for (int c = col + 1; c < K; c++) sum -= m[p * K + c] * solution[c];
            solution[col] = sum / m[p * K + col];
        }
        for (int i = 0; i < K; i++) solution[i] *= scale[i];
        return solution;
    }
}

/// The exact fit of the learned correction: its features, the coefficients of each hidden layer
/// (one per feature), and the mean and variance of its gradient per parameter (layout of `Parameters`).
public sealed record LearnedCorrectionMoments(CorrectionFeature[] Family, double[][] Coefficients, double[] Expected, double[] Variance);

/// The walk over all `2^(H M)` tuples of one-sample configurations that the fit and the moments
/// need: at each tuple, every sample's row back-propagated through the layers' predictions.
sealed class CorrectionWalk
{
    readonly ExactNetwork net;
    readonly IReadOnlyList<CorrectionFeature> family;
    readonly int M, K, L, H, P, count;
    readonly double[] logPrior;  // log P(h | x) per configuration
    readonly double[] w;         // P(y | h) / max_h P(y | h) per configuration
    readonly double logScale;    // max_h log P(y | h)
    readonly double[][] s, h;    // per configuration, s and h of every hidden unit in bit order, (H)
    readonly double[][] dOut;    // per configuration, d log P(y | h) / d o, (nOut)
    readonly double[] baseline;  // Lbar per hidden unit
    readonly int[] unitOffset;   // the first unit of each hidden layer
    readonly int[] tuple;        // the configuration of each sample of the current tuple
    readonly double[][] d;       // per hidden layer, the current row's predicted signal
    readonly double[] g, phi;    // the current layer's back-propagated signal and one unit's features
    readonly double[] top;       // wbar dlogP/do of the current row, (nOut)

    public CorrectionWalk(ExactNetwork net, int samples, IReadOnlyList<double> baselinePerUnit, IReadOnlyList<CorrectionFeature> family)
    {
        H = net.HiddenUnits;
        ExactEnumeration.CheckSize(H, samples);
        if (baselinePerUnit.Count != H) throw new ArgumentException($"need {H} baselines, one per hidden unit");
        if (family.Count == 0) throw new ArgumentException("the regressor needs at least one feature");
        this.net = net;
        this.family = family;
        M = samples;
        K = family.Count;
        L = net.HiddenLayers;
        P = net.ParameterCount;
        count = 1 << H;
        baseline = [.. baselinePerUnit];
        unitOffset = new int[L + 1];
        for (int l = 0; l < L; l++) unitOffset[l + 1] = unitOffset[l] + net.Shape.Sizes[l + 1];

        var pass = new ConfigurationPass(net);
        logPrior = new double[count];
        var logLikelihood = new double[count];
        s = new double[count][];
        h = new double[count][];
        dOut = new double[count][];
        for (int k = 0; k < count; k++)
        {
            pass.Evaluate(k);
            logPrior[k] = pass.LogPrior;
            logLikelihood[k] = pass.LogLikelihood;
            s[k] = new double[H];
            h[k] = new double[H];
            for (int l = 0; l < L; l++)
            {
                pass.S(l).CopyTo(s[k].AsSpan(unitOffset[l]));
                pass.H(l).CopyTo(h[k].AsSpan(unitOffset[l]));
            }
            dOut[k] = pass.OutputSignal.ToArray();
        }
        logScale = logLikelihood.Max();
        w = logLikelihood.Select(v => Math.Exp(v - logScale)).ToArray();
        tuple = new int[M];
        d = Enumerable.Range(0, L).Select(l => new double[net.Shape.Sizes[l + 1]]).ToArray();
        g = new double[net.Shape.Sizes[1..^1].Max()];
        phi = new double[K];
        top = new double[net.Shape.Outputs];
    }

    /// The exact least-squares coefficients of hidden layer `layer`, given those of the layers above.
    public double[] Fit(int layer, IReadOnlyList<double[]?> coefficients)
    {
        var A = new double[K * K];
        var b = new double[K];
        Walk((p, CM) =>
        {
            for (int m = 0; m < M; m++)
            {
                int k = tuple[m];
                Rows(k, w[k], CM, coefficients, layer, (unit, target) =>
                {
                    // the normal equations: E[phi phi^T] c = E[phi G1]
                    for (int i = 0; i < K; i++)
                    {
                        for (int j = 0; j < K; j++) A[i * K + j] += p * phi[i] * phi[j];
                        b[i] += p * phi[i] * target;
                    }
                });
            }
        });
        return LearnedCorrectionEnumeration.Solve(A, b);
    }

    /// `E[G]` and `Var[G]` per parameter of the gradient the coefficients' predictions give.
    public (double[] Mean, double[] Variance) Moments(IReadOnlyList<double[]> coefficients)
    {
        var moments = new WeightedMoments(P);
        var G = new double[P];
        int O = net.OutputOffset, nL = net.Shape.Sizes[L];
        Walk((p, CM) =>
        {
            Array.Clear(G);
            double Sw = 0;
            for (int m = 0; m < M; m++) Sw += w[tuple[m]];
            for (int m = 0; m < M; m++)
            {
                int k = tuple[m];
                double wBar = w[k] / Sw;
                Rows(k, w[k], CM, coefficients, 0, null);
                // G(W_l) += d_l h_{l-1}^T, G(b_l) += d_l for every hidden layer
                for (int l = 0; l < L; l++)
                {
                    ReadOnlySpan<double> below = l == 0 ? net.X : h[k].AsSpan(unitOffset[l - 1], net.Shape.Sizes[l]);
                    AddOuterProduct(d[l], below, G, net.WeightOffset(l), net.BiasOffset(l));
                }
                // the output layer, Raiko et al. 2014, eq. (15)-(17): G(W_{L+1}) += wbar dlogP/do h_L^T
                var hL = h[k].AsSpan(unitOffset[L - 1], nL);
                for (int i = 0; i < dOut[k].Length; i++)
                {
                    for (int j = 0; j < nL; j++) G[O + i * nL + j] += wBar * dOut[k][i] * hL[j];
                    G[net.BiasOffset(L) + i] += wBar * dOut[k][i];
                }
            }
            moments.Add(p, G);
        });
        return (moments.Mean(), moments.Variance());
    }

    /// Calls `visit(p, C_M)` at every tuple of probability `p = prod_m P(h^(m) | x) > 0`, with
    /// `tuple` holding its configurations.
    void Walk(Action<double, double> visit) => Visit(0, 1.0, 0, visit);

    void Visit(int m, double probability, double sumW, Action<double, double> visit)
    {
        for (int k = 0; k < count; k++)
        {
            double p = probability * Math.Exp(logPrior[k]);
            if (p == 0) continue;
            tuple[m] = k;
            // C_M = log (1/M) sum_m w^(m)
            if (m + 1 == M) visit(p, Math.Log((sumW + w[k]) / M) + logScale);
            else Visit(m + 1, p, sumW + w[k], visit);
        }
    }

    /// One sample's row from the top hidden layer down to `stop`: `g_l = W_{l+1}^T d_{l+1}` (above
    /// the top layer, `d = wbar dlogP/do`), the features `phi` of each unit, and below `stop` (or
    /// everywhere, with no `fit`) the prediction `d_l = c_l . phi`; at `stop`, with `fit`, each
    /// unit's features and G1's signal go to `fit(unit, G1)` instead.
    void Rows(int k, double weight, double CM, IReadOnlyList<double[]?> coefficients, int stop, Action<int, double>? fit)
    {
        double Sw = 0;
        for (int m = 0; m < M; m++) Sw += w[tuple[m]];
        double wBar = weight / Sw;
        for (int i = 0; i < top.Length; i++) top[i] = wBar * dOut[k][i];
        ReadOnlySpan<double> upper = top;
        for (int l = L - 1; l >= stop; l--)
        {
            int n = net.Shape.Sizes[l + 1];
            var W = net.W(l + 1); // (nAbove, n)
            for (int j = 0; j < n; j++)
            {
                double gj = 0;
                for (int i = 0; i < upper.Length; i++) gj += W[i * n + j] * upper[i];
                g[j] = gj;
            }
            for (int j = 0; j < n; j++)
            {
                int u = unitOffset[l] + j;
                double sj = s[k][u], hj = h[k][u];
                // G1's signal, Raiko et al. 2014, eq. (19): (h - s)(C_M - Lbar)
                double likelihoodRatio = (hj - sj) * (CM - baseline[u]);
                for (int f = 0; f < K; f++) phi[f] = CorrectionFeatures.Value(family[f], sj, hj, g[j], likelihoodRatio);
                if (l == stop && fit is not null) { fit(u, likelihoodRatio); continue; }
                var c = coefficients[l]!;
                double prediction = 0;
                for (int f = 0; f < K; f++) prediction += c[f] * phi[f];
                d[l][j] = prediction;
            }
            upper = d[l];
        }
    }

    static void AddOuterProduct(ReadOnlySpan<double> delta, ReadOnlySpan<double> below, double[] gradient, int weightOffset, int biasOffset)
    {
        for (int j = 0; j < delta.Length; j++)
        {
            for (int i = 0; i < below.Length; i++) gradient[weightOffset + j * below.Length + i] += delta[j] * below[i];
            gradient[biasOffset + j] += delta[j];
        }
    }
}
