using SimdSfnn.Estimators.Exact;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Lab;

/// A brute-force, independent account of the learned correction's regression problem on a tiny
/// network: every tuple of M samples listed with its probability, and for one hidden layer every
/// (tuple, sample, unit) row with its features and G1's signal, the layers above predicting
/// with given coefficients. Written from units.md and spec/estimators.md without the lab's code.
public sealed class CorrectionRows
{
    /// One row: its tuple's probability and index, its features and the target `(h - s)(C_M - Lbar)`.
    public readonly record struct Row(double P, int Tuple, double[] Phi, double Target);

    public List<Row> Rows { get; } = [];
    public int Tuples { get; private set; }

    /// `family` is a list of feature names: "slope" s(1-s)g, "midpoint" |h-s|g, "straight" g, "g1" the target.
    public CorrectionRows(ExactNetwork net, int M, double[] baseline, string[] family, int layer, double[]?[] coefficientsAbove)
    {
        var shape = net.Shape;
        int L = shape.HiddenLayerCount, H = net.HiddenUnits, count = 1 << H;
        var configurations = Enumerable.Range(0, count).Select(k => Configuration.Of(net, k)).ToArray();
        var digits = new int[M];
        for (long t = 0; t < (long)Math.Pow(count, M); t++)
        {
            long rest = t;
            for (int m = 0; m < M; m++) { digits[m] = (int)(rest % count); rest /= count; }
            double p = 1, maxLog = double.NegativeInfinity;
            for (int m = 0; m < M; m++) { p *= Math.Exp(configurations[digits[m]].LogPrior); maxLog = Math.Max(maxLog, configurations[digits[m]].LogLikelihood); }
            if (p == 0) continue;
            double sum = 0;
            for (int m = 0; m < M; m++) sum += Math.Exp(configurations[digits[m]].LogLikelihood - maxLog);
            double CM = maxLog + Math.Log(sum / M);
            for (int m = 0; m < M; m++)
            {
                var c = configurations[digits[m]];
                double wBar = Math.Exp(c.LogLikelihood - maxLog) / sum;
                double[] upper = [.. c.OutputSignal.Select(v => wBar * v)];
                for (int l = L - 1; l >= layer; l--)
                {
                    int n = shape.Sizes[l + 1];
                    var W = net.W(l + 1);
                    var d = new double[n];
                    for (int j = 0; j < n; j++)
                    {
                        double g = 0;
                        for (int i = 0; i < upper.Length; i++) g += W[i * n + j] * upper[i];
                        double s = c.S[l][j], h = c.H[l][j];
                        double target = (h - s) * (CM - baseline[UnitIndex(shape, l, j)]);
                        double[] phi = [.. family.Select(f => f switch
                        {
                            "slope" => s * (1 - s) * g,
                            "midpoint" => Math.Abs(h - s) * g,
                            "straight" => g,
                            "g1" => target,
                            _ => throw new ArgumentException(f),
                        })];
                        if (l == layer) Rows.Add(new Row(p, Tuples, phi, target));
                        else d[j] = phi.Select((v, f) => v * coefficientsAbove[l]![f]).Sum();
                    }
                    upper = d;
                }
            }
            Tuples++;
        }
    }

    static int UnitIndex(NetworkShape shape, int layer, int j) => shape.Sizes[1..(layer + 1)].Sum() + j;

    /// The weighted least-squares fitted values `P y` of the rows (projection of the targets onto
    /// the span of the features, weights p) and `sqrt(p) y`.
    public (double[] Fitted, double[] Weighted) Projection()
    {
        int N = Rows.Count;
        var y = Rows.Select(r => Math.Sqrt(r.P) * r.Target).ToArray();
        var basis = Basis();
        var fitted = new double[N];
        foreach (var q in basis)
        {
            double dot = Dot(q, y);
            for (int i = 0; i < N; i++) fitted[i] += dot * q[i];
        }
        return (fitted, y);
    }

    /// An orthonormal basis of the `sqrt(p)`-scaled feature columns, by modified Gram-Schmidt
    /// twice, dropping a column that keeps less than 1e-9 of its norm.
    List<double[]> Basis()
    {
        int K = Rows[0].Phi.Length, N = Rows.Count;
        var basis = new List<double[]>();
        for (int f = 0; f < K; f++)
        {
            var v = Rows.Select(r => Math.Sqrt(r.P) * r.Phi[f]).ToArray();
            double norm0 = Norm(v);
            for (int pass = 0; pass < 2; pass++)
                foreach (var q in basis)
                {
                    double dot = Dot(q, v);
                    for (int i = 0; i < N; i++) v[i] -= dot * q[i];
                }
            double norm = Norm(v);
            if (norm0 == 0 || norm < 1e-9 * norm0) continue;
            basis.Add([.. v.Select(x => x / norm)]);
        }
        return basis;
    }

    /// `E[sum (phi . (c - cStar))^2]` over the rows: how much more squared error `c` leaves than `cStar`
    /// when `cStar` is the least-squares fit.
    public double ExcessRisk(double[] c, double[] cStar) =>
        Rows.Sum(r => r.P * Math.Pow(r.Phi.Select((v, f) => v * (c[f] - cStar[f])).Sum(), 2));

    /// `tr(A^+ S)`: `A = E[sum_rows phi phi^T]` per tuple, `S = E[u u^T]` with `u = sum_rows phi (G1 - phi . cStar)`
    /// over a tuple's rows. A least-squares fit from independent tuples with weights `w` (sum 1) misses
    /// `cStar` by an excess risk of about `tr(A^+ S) sum w^2`, a weighted sum of chi-squares of
    /// one degree of freedom. Computed in an orthonormal basis of the (weighted) features.
    public double ExcessRiskScale(double[] cStar)
    {
        int N = Rows.Count;
        var basis = Basis();
        // v_t = sum over tuple t's rows of (q_row / sqrt(p_row)) r_row; the scale is sum_t p_t |v_t|^2
        var v = new double[Tuples, basis.Count];
        var p = new double[Tuples];
        for (int i = 0; i < N; i++)
        {
            var row = Rows[i];
            double residual = row.Target - row.Phi.Select((x, f) => x * cStar[f]).Sum();
            p[row.Tuple] = row.P;
            for (int k = 0; k < basis.Count; k++) v[row.Tuple, k] += basis[k][i] / Math.Sqrt(row.P) * residual;
        }
        double scale = 0;
        for (int t = 0; t < Tuples; t++)
            for (int k = 0; k < basis.Count; k++) scale += p[t] * v[t, k] * v[t, k];
        return scale;
    }

    /// `sqrt(p) phi . c` of every row.
    public double[] Predicted(double[] c) => [.. Rows.Select(r => Math.Sqrt(r.P) * r.Phi.Select((v, f) => v * c[f]).Sum())];

    public static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
    public static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    /// One configuration of every hidden unit (bit k of the index is unit k, layer by layer from the bottom).
    sealed record Configuration(double LogPrior, double LogLikelihood, double[][] S, double[][] H, double[] OutputSignal)
    {
        public static Configuration Of(ExactNetwork net, int k)
        {
            var shape = net.Shape;
            int L = shape.HiddenLayerCount, bit = 0;
            var S = new double[L][];
            var H = new double[L][];
            double logPrior = 0;
            double[] below = net.X;
            for (int l = 0; l < L; l++)
            {
                int n = shape.Sizes[l + 1];
                S[l] = new double[n];
                H[l] = new double[n];
                for (int j = 0; j < n; j++)
                {
                    double a = net.Bias(l)[j];
                    for (int i = 0; i < below.Length; i++) a += net.W(l)[j * below.Length + i] * below[i];
                    S[l][j] = 1 / (1 + Math.Exp(-a));
                    H[l][j] = (k >> bit++) & 1;
                    logPrior += Math.Log(H[l][j] == 1 ? S[l][j] : 1 - S[l][j]);
                }
                below = H[l];
            }
            var o = new double[shape.Outputs];
            for (int j = 0; j < o.Length; j++)
            {
                o[j] = net.Bias(L)[j];
                for (int i = 0; i < below.Length; i++) o[j] += net.W(L)[j * below.Length + i] * below[i];
            }
            double logLikelihood;
            var signal = new double[o.Length];
            if (shape.Head == OutputHead.Softmax)
            {
                double max = o.Max(), logZ = max + Math.Log(o.Sum(v => Math.Exp(v - max)));
                logLikelihood = o[net.Label] - logZ;
                for (int j = 0; j < o.Length; j++) signal[j] = (j == net.Label ? 1 : 0) - Math.Exp(o[j] - logZ);
            }
            else
            {
                logLikelihood = 0;
                for (int j = 0; j < o.Length; j++)
                {
                    double p = 1 / (1 + Math.Exp(-o[j]));
                    logLikelihood += Math.Log(net.Target[j] == 1 ? p : 1 - p);
                    signal[j] = net.Target[j] - p;
                }
            }
            return new Configuration(logPrior, logLikelihood, S, H, signal);
        }
    }
}
