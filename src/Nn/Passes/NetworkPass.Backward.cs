using SimdSfnn.Nn.Estimation;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// The backward pass: the output signal, then each hidden layer's estimator signal and the
/// weight and bias gradients.
internal sealed partial class NetworkPass
{
    /// Adds this chunk's gradient (summed, not averaged, over its examples) to `gradient`, or with
    /// `overwrite` writes it there whatever `gradient` held, and adds the estimator's statistics of
    /// hidden layer `k` to `statistics[k]`. Overwriting lets the dense weight gradients store their
    /// products instead of adding them to a buffer cleared for the purpose (a 50-example shard's
    /// G(W_1) alone is 627 KB to clear and read back).
    public void Backward(Parameters theta, IGradientEstimator estimator, Parameters gradient,
                         ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, float[][] statistics, bool overwrite = false)
    {
        overwriteGradient = overwrite;
        int E = Examples, M = Samples, R = Rows, L = shape.HiddenLayerCount, nY = shape.Outputs;
        long t = StartClock();

        var dOutChunk = dOut.AsSpan(0, R * nY);
        OutputSignal(dOutChunk, labels, targets);
        LayerWeightGradient(dOutChunk, L, gradient);
        BiasGradient(dOutChunk, R, nY, gradient.Bias(L));
        t = Mark(PassPhase.OutputGradient, t);

        ReadOnlySpan<float> upper = dOutChunk;
        for (int k = L - 1; k >= 0; k--)
        {
            int width = shape.Sizes[k + 1], widthAbove = shape.Sizes[k + 2];
            if (k == 0 && FirstLayerShortcut(estimator))
            {
                FirstLayerFromSampleSum(theta, estimator, gradient, upper, widthAbove, statistics[0], t);
                return;
            }
            var gk = g.AsSpan(0, R * width);
            if (estimator.BackPropagates || Pathwise(k))
                MatMul.InputGradient(upper, theta.W(k + 1), gk, R, widthAbove, width);
            t = Mark(PassPhase.InputGradient, t);
            var dk = d[k].AsSpan(0, R * width);
            if (Pathwise(k))
            {
                // the unit's own d = (dh/da) g with its noise held (units.md, "Units")
                if (!Sampled) throw new InvalidOperationException("a pathwise unit back-propagates only through a sampled forward pass");
                shape.Units[k].BackPropagate(s[k].AsSpan(0, R * width), Noise(k), gk, dk);
            }
            else
            {
                var layer = new HiddenLayerBatch
                {
                    Layer = k, Width = width, Examples = E, Samples = M,
                    H = States(k), S = SampledProbabilities(k), G = gk,
                    WeightBar = wBar.AsSpan(0, R), Criterion = criterion.AsSpan(0, E),
                };
                estimator.HiddenSignal(layer, dk, statistics[k]);
            }
            t = Mark(PassPhase.HiddenSignal, t);

            if (k > 0)
            {
                // the second layer's signal summed over each example's samples, when its weight
                // gradient from the differences or the first layer's shortcut will use it, also
                // gives its bias gradient from E rows instead of R
                secondSignalSummed = k == 1 && M > 1 && (gradientFromDifferences || FirstLayerShortcut(estimator));
                if (secondSignalSummed) BiasGradient(SumOverSamples(dk, E, M, width), E, width, gradient.Bias(k));
                else BiasGradient(dk, R, width, gradient.Bias(k));
                LayerWeightGradient(dk, k, gradient);
                t = Mark(PassPhase.HiddenWeightGradient, t);
            }
            else
            {
                var dSum = M == 1 ? dk : SumOverSamples(dk, E, M, width);
                MatMul.WeightGradient(dSum, x.AsSpan(0, E * shape.Inputs), gradient.W(0), E, width, shape.Inputs, accumulate: !overwriteGradient);
                BiasGradient(dSum, E, width, gradient.Bias(0));
                t = Mark(PassPhase.FirstWeightGradient, t);
            }
            upper = dk;
        }
    }

    /// Whether the first layer back-propagates one row per example (NetworkPass.SampleSharing.cs):
    /// its M samples share `s_1` and the estimator's signal is elementwise in `s_1` and `g_1`.
    bool FirstLayerShortcut(IGradientEstimator estimator) =>
        Samples > 1 && estimator.SignalIsElementwiseInSAndG && !Pathwise(0);

    /// `G(W_l) (n_{l+1}, n_l) += d (R, n_{l+1})^T h_{l-1} (R, n_l)` for a layer `l >= 1`.
    void LayerWeightGradient(ReadOnlySpan<float> dl, int l, Parameters gradient)
    {
        int nIn = shape.Sizes[l], nOut = shape.Sizes[l + 1];
        if (l == 1 && gradientFromDifferences)
        {
            SecondLayerWeightGradientFromDifferences(dl, gradient);
            return;
        }
        var lists = active[l - 1];
        bool dense = Products == ProductStrategy.Dense
            || (Products == ProductStrategy.Auto && lists.Count > SparseGradientDensity * Rows * nIn);
        if (!Sampled || lists.Rows != Rows || dense)
        {
            MatMul.WeightGradient(dl, States(l - 1), gradient.W(l), Rows, nOut, nIn, accumulate: !overwriteGradient);
            return;
        }
        lists.ListColumns();
        var gTl = gT.AsSpan(0, nIn * nOut);
        SelectedRowSum.Sum(lists.ColumnIndex, lists.ColumnStart, lists.ColumnEnd, dl, nOut, gTl, nOut, nOut, accumulate: false);
        if (overwriteGradient) gradient.W(l).Clear();
        Transpose.AddRows(gTl, nIn, nOut, nOut, gradient.W(l));
    }

    /// `bias (+)= sum of the rows of d` (overwriting when this Backward does).
    void BiasGradient(ReadOnlySpan<float> d, int rows, int width, Span<float> bias)
    {
        if (overwriteGradient) bias.Clear();
        ColumnSum.Add(d, rows, width, bias);
    }
}
