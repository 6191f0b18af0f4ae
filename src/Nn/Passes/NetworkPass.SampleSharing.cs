using System.Numerics.Tensors;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// What the `M` samples of an example share is computed once: the first layer's
/// pre-activation `a_1 = W_1 x + b_1`, and the input in the first layer's weight gradient,
/// `G(W_1) = sum_m d_1^(m) x^T = (sum_m d_1^(m)) x^T`. For G2 and G3, whose signal is
/// `d = f(s) g` and whose first-layer `s_1` is the same for every sample, the sum moves further
/// down: `sum_m d_1^(m) = f(s_1) (sum_m d_2^(m)) W_2`, one row per example instead of M.
///
/// The M samples of `h_1` share one probability `s_1`, so they mostly agree with the rounded
/// `r = [s_1 > 1/2]`: unit j differs with probability min(s_j, 1 - s_j), which averaged 0.19 over
/// the first epochs of MNIST training (input noise keeps units from saturating). So the second
/// layer is computed from `h_1 = r + (h_1 - r)`: a dense product over the E reference rows and a
/// signed sum of selected rows over the differences,
///   `a_2 = r W_2^T + (h_1 - r) W_2^T`,  `G(W_2) = (sum_m d_2^(m))^T r + d_2^T (h_1 - r)`,
/// each where the differences are few enough to beat the dense product.
internal sealed partial class NetworkPass
{
    /// Largest fraction of `h_1` entries that differ from their example's rounded `s_1` for which
    /// `a_2` runs from the differences. Alone, gathering rows of an L1-resident W_2^T took 0.30,
    /// 0.40 and 0.53 ms for 1000 rows at 0.1, 0.3 and 0.5 against 0.53 for the dense product (best
    /// of 25); inside a whole pass, where the caches hold more, the two broke even at 0.18
    /// (`sfnn bench --phases`, alternating runs with the sums switched off).
    const double DifferenceForwardDensity = 0.2;
    /// The same for `G(W_2)`, whose scatter of d_2's rows into G^T is bound by stores: 0.39 ms at
    /// 0.1 and 0.72 at 0.2 against 0.69 for the dense product alone; in a whole step at 0.18 it
    /// was slower than dense (medians 7.46 against 6.20 ms, alternating 1-thread bench runs).
    const double DifferenceGradientDensity = 0.12;

    /// `a_2 = r W_2^T + (h_1 - r) W_2^T`: E dense rows, each the start of its example's M rows, plus
    /// and minus the rows of `W_2^T` that the differences select.
    void SecondLayerForwardFromDifferences(Parameters theta, Span<float> a)
    {
        int E = Examples, M = Samples, n1 = shape.Sizes[1], n2 = shape.Sizes[2];
        var baseRows = referenceRows.AsSpan(0, E * n2);
        DenseForward(theta, 1, reference.AsSpan(0, E * n1), baseRows, E);
        SignedRowSum.Sum(differences, layouts.SecondTransposed!.Span, layouts.SecondStride, a, n2, n2, initial: baseRows, rowsPerInitial: M);
    }

    /// `G(W_2) += (sum_m d_2^(m))^T r + d_2^T (h_1 - r)`: a dense product over the E reference
    /// rows, and each row of `d_2` added to (or taken from) the rows of `G(W_2)^T` its differences select.
    void SecondLayerWeightGradientFromDifferences(ReadOnlySpan<float> d2, Parameters gradient)
    {
        int E = Examples, M = Samples, n1 = shape.Sizes[1], n2 = shape.Sizes[2];
        var d2Sum = secondSignalSummed ? sampleSum.AsSpan(0, E * n2) : SumOverSamples(d2, E, M, n2);
        MatMul.WeightGradient(d2Sum, reference.AsSpan(0, E * n1), gradient.W(1), E, n2, n1, accumulate: !overwriteGradient);
        int ld = PaddedWidth(n2);
        var gTl = paddedRows.AsSpan(0, n1 * ld);
        gTl.Clear();
        SignedRowSum.Scatter(differences, d2, n2, gTl, ld, n2);
        Transpose.AddRows(gTl, n1, n2, ld, gradient.W(1));
    }

    /// The first layer's back-propagation and weight gradient with one row per example: the
    /// estimator sees `Samples = 1`, `S = s_1` and `G = sum_m g_1^(m)`, and no per-sample `H`,
    /// `wbar` or `C_M` (empty, so reading them fails loudly rather than silently).
    void FirstLayerFromSampleSum(Parameters theta, IGradientEstimator estimator, Parameters gradient,
                                 ReadOnlySpan<float> d2, int n2, Span<float> statistics, long t)
    {
        int E = Examples, n1 = shape.Sizes[1];
        // the second layer's backward, the step just before, left this very sum in `sampleSum`
        var d2Sum = secondSignalSummed ? sampleSum.AsSpan(0, E * n2) : SumOverSamples(d2, E, Samples, n2);
        var g1Sum = g.AsSpan(0, E * n1);
        MatMul.InputGradient(d2Sum, theta.W(1), g1Sum, E, n2, n1);
        t = Mark(PassPhase.InputGradient, t);
        var d1Sum = d[0].AsSpan(0, E * n1);
        var layer = new HiddenLayerBatch
        {
            Layer = 0, Width = n1, Examples = E, Samples = 1,
            S = s1.AsSpan(0, E * n1), G = g1Sum,
        };
        estimator.HiddenSignal(layer, d1Sum, statistics);
        t = Mark(PassPhase.HiddenSignal, t);
        MatMul.WeightGradient(d1Sum, x.AsSpan(0, E * shape.Inputs), gradient.W(0), E, n1, shape.Inputs, accumulate: !overwriteGradient);
        BiasGradient(d1Sum, E, n1, gradient.Bias(0));
        Mark(PassPhase.FirstWeightGradient, t);
    }

    /// `s_l` of every row, (R, n_l); the first layer's rows are copied from `s1` on first use.
    ReadOnlySpan<float> SampledProbabilities(int k)
    {
        int n = shape.Sizes[k + 1];
        if (k > 0 || !Sampled) return (k == 0 ? s1 : s[k]).AsSpan(0, Rows * n);
        var rows = s[0].AsSpan(0, Rows * n);
        for (int e = 0; e < Examples; e++)
            for (int m = 0; m < Samples; m++)
                s1.AsSpan(e * n, n).CopyTo(rows.Slice((e * Samples + m) * n, n));
        return rows;
    }

    /// With M > 1 samples and a second hidden layer, lists where `h_1` differs from the rounded
    /// `s_1` and returns whether any of the second layer's products will run from those differences.
    bool ListDifferencesIfFew()
    {
        if (reference.Length == 0 || Samples == 1 || Products == ProductStrategy.Dense) return false;
        int E = Examples, n1 = shape.Sizes[1];
        var r = reference.AsSpan(0, E * n1);
        TensorPrimitives.Round(s1.AsSpan(0, E * n1), r); // s in [0, 1]: 1 above one half, else 0
        differences.Build(h[0].AsSpan(0, Rows * n1), r, Rows, n1, Samples);
        bool forced = Products == ProductStrategy.Sparse;
        double density = differences.Count / ((double)Rows * n1);
        forwardFromDifferences = forced || density <= DifferenceForwardDensity;
        gradientFromDifferences = forced || density <= DifferenceGradientDensity;
        active[0].Clear();
        return forwardFromDifferences || gradientFromDifferences;
    }

    /// (E, width) sums over each example's M rows of `rows` (R, width).
    Span<float> SumOverSamples(ReadOnlySpan<float> rows, int E, int M, int width)
    {
        var sum = sampleSum.AsSpan(0, E * width);
        for (int e = 0; e < E; e++)
        {
            var target = sum.Slice(e * width, width);
            rows.Slice(e * M * width, width).CopyTo(target);
            for (int m = 1; m < M; m++)
                TensorPrimitives.Add(target, rows.Slice((e * M + m) * width, width), target);
        }
        return sum;
    }
}
