using SimdSfnn.Nn.Estimation;
namespace SimdSfnn.Estimators;

/// The learned correction (Bengio 2013, section 3.2.2): a regressor takes the biased,
/// low-variance straight-through estimate and cheap side inputs at each hidden unit and predicts
/// the unbiased, high-variance G1 signal; the prediction is the gradient. Per hidden layer it is
/// linear, `d = c_l . phi` with `phi = (s (1 - s) g, |h - s| g, g)` (G3's signal, the midpoint
/// estimate, G2's signal; `CorrectionFeature`), and in training `c_l` is refit after every step by
/// least squares on the pairs `(phi, G1)` of that step's rows and units, folded into exponential
/// moving averages of the normal equations (as G1's baseline is). It starts as G3, `c = (1, 0, 0)`.
///
/// One regressor per layer rather than per unit: a layer pools `R * width` pairs a step (400000
/// in the default 200-unit layer, M = 20, batch 100) against `R` for a unit, and G1's target is so
/// noisy that a per-unit fit would carry much of G1's variance into its coefficients.
/// Not adaptive (the lab), the coefficients stay as given and no target is computed.
public sealed class LearnedCorrection : IGradientEstimator, IStatefulEstimator
{
    /// The regressor's features, in the order of the coefficients.
    public static IReadOnlyList<CorrectionFeature> Features { get; } = [CorrectionFeature.Slope, CorrectionFeature.Midpoint, CorrectionFeature.Straight];
    /// Before the first fit: G3.
    public static IReadOnlyList<float> InitialCoefficients { get; } = [1, 0, 0];
    /// The ridge toward `InitialCoefficients`, relative to the mean diagonal of the normal matrix:
    /// only enough to keep the solve defined when the features are (nearly) dependent, as they
    /// are while every `s` is near 1/2 and `s (1 - s) g` is about `g / 4`.
    public const double Ridge = 1e-6;
    const int K = 3;
    const int NormalLength = K * K + K; // the normal matrix E[phi phi^T], row-major, then E[phi G1]
    const float Decay = 0.99f; // as G1's baseline: moving averages over roughly the last hundred steps

    readonly MovingBaseline baseline;
    readonly float[][] coefficients; // c_l per hidden layer, (K)
    readonly float[][] normal;       // per hidden layer: moving averages of the normal equations, (NormalLength)
    readonly bool[] started;         // per layer: the first step sets the averages outright

    /// Training: the coefficients are fit online, against G1 with the moving baseline of eq. (7).
    public LearnedCorrection(IReadOnlyList<int> hiddenWidths)
    {
        baseline = new MovingBaseline(hiddenWidths, adaptive: true, 0);
        coefficients = hiddenWidths.Select(_ => InitialCoefficients.ToArray()).ToArray();
        normal = hiddenWidths.Select(_ => new float[NormalLength]).ToArray();
        started = new bool[hiddenWidths.Count];
    }

    /// The lab: fixed coefficients per hidden layer, one per feature of `Features`.
    public LearnedCorrection(IReadOnlyList<int> hiddenWidths, IReadOnlyList<IReadOnlyList<double>> fixedCoefficients)
    {
        if (fixedCoefficients.Count != hiddenWidths.Count || fixedCoefficients.Any(c => c.Count != K))
            throw new ArgumentException($"need {K} coefficients for each of {hiddenWidths.Count} hidden layers", nameof(fixedCoefficients));
        baseline = new MovingBaseline(hiddenWidths, adaptive: false, 0);
        coefficients = fixedCoefficients.Select(c => c.Select(v => (float)v).ToArray()).ToArray();
        normal = [];
        started = [];
    }

    public string Name => "learned";
    public bool SamplesHidden => true;
    public bool BackPropagates => true;
    bool Adaptive => baseline.Adaptive;
    public int StatisticsLength(int width) => Adaptive ? baseline.StatisticsLength(width) + NormalLength : 0;

    /// `c_l` of hidden layer `hiddenLayer`, one per feature of `Features`.
    public ReadOnlySpan<float> Coefficients(int hiddenLayer) => coefficients[hiddenLayer];

    /// Bengio 2013, section 3.2.2: d = c_l . phi(s, h, g), the regressor's prediction of G1's (h - s)(C_M - Lbar)
    public void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics)
    {
        int width = layer.Width;
        var c = coefficients[layer.Layer];
        float cSlope = c[0], cMidpoint = c[1], cStraight = c[2];
        var Lbar = baseline.Of(layer.Layer).AsSpan();
        bool adaptive = Adaptive;
        // this shard's normal equations in double: a layer sums hundreds of thousands of pairs
        double aSS = 0, aSM = 0, aSG = 0, aMM = 0, aMG = 0, aGG = 0, bS = 0, bM = 0, bG = 0;
        for (int r = 0; r < layer.Rows; r++)
        {
            float CM = layer.Criterion[r / layer.Samples];
            var h = layer.H.Slice(r * width, width);
            var s = layer.S.Slice(r * width, width);
            var g = layer.G.Slice(r * width, width);
            var dRow = d.Slice(r * width, width);
            for (int j = 0; j < width; j++)
            {
                float noise = h[j] - s[j];
                // phi: G3's signal s (1 - s) g, the midpoint estimate |h - s| g, G2's signal g
                float slope = s[j] * (1 - s[j]) * g[j];
                float midpoint = MathF.Abs(noise) * g[j];
                float straight = g[j];
                // the prediction c . phi
                dRow[j] = cSlope * slope + cMidpoint * midpoint + cStraight * straight;
                if (!adaptive) continue;
                // the target, G1's signal (Raiko et al. 2014, eq. (19)): (h - s)(C_M - Lbar)
                float target = noise * (CM - Lbar[j]);
                // Bengio 2013, eq. (7): Lbar = E[(h - s)^2 C] / E[(h - s)^2]
                statistics[j] += noise * noise * CM;
                statistics[width + j] += noise * noise;
                // the normal equations sum phi phi^T c = sum phi G1
                aSS += (double)slope * slope; aSM += (double)slope * midpoint; aSG += (double)slope * straight;
                aMM += (double)midpoint * midpoint; aMG += (double)midpoint * straight; aGG += (double)straight * straight;
                bS += (double)slope * target; bM += (double)midpoint * target; bG += (double)straight * target;
            }
        }
        if (!adaptive) return;
        var sums = statistics.Slice(baseline.StatisticsLength(width), NormalLength);
        sums[0] += (float)aSS; sums[1] += (float)aSM; sums[2] += (float)aSG;
        sums[3] += (float)aSM; sums[4] += (float)aMM; sums[5] += (float)aMG;
        sums[6] += (float)aSG; sums[7] += (float)aMG; sums[8] += (float)aGG;
        sums[9] += (float)bS; sums[10] += (float)bM; sums[11] += (float)bG;
    }

    /// Folds the step's statistics into G1's baseline and the normal equations' moving averages,
    /// then refits `c_l`. The first step's targets had no baseline yet (`Lbar = 0`, far from
    /// eq. (7)'s, which the fit depends on through `|h - s| g`): only the baseline learns from it.
    public void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics)
    {
        if (!Adaptive) return;
        int baselineLength = statistics.Length - NormalLength;
        bool targetsHadBaseline = baseline.Started(hiddenLayer);
        baseline.EndStep(hiddenLayer, statistics[..baselineLength]);
        if (!targetsHadBaseline) return;
        var average = normal[hiddenLayer];
        float keep = started[hiddenLayer] ? Decay : 0;
        for (int i = 0; i < NormalLength; i++) average[i] = keep * average[i] + (1 - keep) * statistics[baselineLength + i];
        started[hiddenLayer] = true;
        Refit(hiddenLayer);
    }

    /// `c = (A + lambda I)^-1 (b + lambda c_0)`, `lambda = Ridge trace(A) / K`, from the moving
    /// averages `A`, `b`; kept as it was when the solution is not finite.
    void Refit(int hiddenLayer)
    {
        var average = normal[hiddenLayer];
        Span<double> A = stackalloc double[K * K];
        Span<double> b = stackalloc double[K];
        double trace = 0;
        for (int i = 0; i < K; i++) trace += average[i * K + i];
        double lambda = Ridge * trace / K;
        for (int i = 0; i < K * K; i++) A[i] = average[i];
        for (int i = 0; i < K; i++)
        {
            A[i * K + i] += lambda;
            b[i] = average[K * K + i] + lambda * InitialCoefficients[i];
        }
        if (!(trace > 0) || !SolveSymmetric(A, b)) return;
        for (int i = 0; i < K; i++) coefficients[hiddenLayer][i] = (float)b[i];
    }

    /// Solves `A x = b` in place into `b` by Cholesky (A symmetric positive definite); false when
    /// it is not (to rounding) or the solution is not finite.
    static bool SolveSymmetric(Span<double> A, Span<double> b)
    {
        // (1) A = L L^T, L lower triangular, stored over A's lower half
        for (int j = 0; j < K; j++)
        {
            double diagonal = A[j * K + j];
            for (int k = 0; k < j; k++) diagonal -= A[j * K + k] * A[j * K + k];
            if (!(diagonal > 0)) return false;
            A[j * K + j] = Math.Sqrt(diagonal);
            for (int i = j + 1; i < K; i++)
            {
                double sum = A[i * K + j];
                for (int k = 0; k < j; k++) sum -= A[i * K + k] * A[j * K + k];
                A[i * K + j] = sum / A[j * K + j];
            }
        }
        // (2) L y = b, (3) L^T x = y
        for (int i = 0; i < K; i++)
        {
            for (int k = 0; k < i; k++) b[i] -= A[i * K + k] * b[k];
            b[i] /= A[i * K + i];
        }
        for (int i = K - 1; i >= 0; i--)
        {
            for (int k = i + 1; k < K; k++) b[i] -= A[k * K + i] * b[k];
            b[i] /= A[i * K + i];
        }
        for (int i = 0; i < K; i++) if (!double.IsFinite(b[i])) return false;
        return true;
    }

    /// G1's baseline averages, then (from the second step on) the normal equations' averages and
    /// the coefficients; empty before the first step.
    public float[] SaveState(int hiddenLayer) =>
        !Adaptive || !baseline.Started(hiddenLayer) ? []
        : started[hiddenLayer] ? [.. baseline.SaveState(hiddenLayer), .. normal[hiddenLayer], .. coefficients[hiddenLayer]]
        : baseline.SaveState(hiddenLayer);

    public bool RestoreState(int hiddenLayer, ReadOnlySpan<float> state)
    {
        if (state.Length == 0) return true;
        int baselineLength = baseline.StateLength(hiddenLayer);
        bool fitted = state.Length == baselineLength + NormalLength + K;
        if (!Adaptive || (!fitted && state.Length != baselineLength)) return false;
        foreach (float v in state) if (!float.IsFinite(v)) return false;
        if (!baseline.RestoreState(hiddenLayer, state[..baselineLength])) return false;
        if (!fitted) return true;
        state.Slice(baselineLength, NormalLength).CopyTo(normal[hiddenLayer]);
        state[(baselineLength + NormalLength)..].CopyTo(coefficients[hiddenLayer]);
        started[hiddenLayer] = true;
        return true;
    }
}
