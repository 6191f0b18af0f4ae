using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// The forward pass: sample every hidden layer, then the output head.
internal sealed partial class NetworkPass
{
    /// Samples every hidden layer (or, when `sample` is false, sets `h = s` with `M = 1`) and
    /// computes `log w`, `wbar` and `C_M`. `labels` (softmax head, length E) or `targets`
    /// (Bernoulli head, (E, nOut)) give each example's `y`.
    /// `layouts`, when given, must have been prepared from `theta` (`WeightLayouts.Prepare`), with
    /// W_2^T when `samples` > 1; without them the pass lays out the weights itself.
    public void Forward(Parameters theta, int examples, int samples, bool sample,
                        ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, WeightLayouts? layouts = null)
    {
        if ((uint)examples > (uint)MaxExamples || samples < 1 || samples > MaxSamples || (!sample && samples != 1))
            throw new ArgumentOutOfRangeException(nameof(examples));
        if (layouts is null)
        {
            ownLayouts ??= new WeightLayouts(shape, secondTransposed: MaxSamples > 1);
            ownLayouts.Prepare(theta, 0, 1);
            layouts = ownLayouts;
        }
        else if (!layouts.PreparedFrom(theta))
            SfnnThrow.Argument("the weight layouts were prepared from other parameters", nameof(layouts));
        else if (samples > 1 && shape.HiddenLayerCount >= 2 && layouts.SecondTransposed is null)
            SfnnThrow.Argument("the weight layouts lack W_2^T, which M > 1 samples need", nameof(layouts));
        this.layouts = layouts;
        Examples = examples;
        Samples = samples;
        Sampled = sample;
        int E = examples, M = samples, R = Rows, n0 = shape.Inputs, n1 = shape.Sizes[1];
        long t = StartClock();

        // a_1 = W_1 x + b_1 once per example; s_1 = sigmoid(a_1) (a pathwise unit keeps a_1)
        var s1Chunk = s1.AsSpan(0, E * n1);
        DenseForward(theta, 0, x.AsSpan(0, E * n0), s1Chunk, E);
        BiasAdd.AddToRows(s1Chunk, E, theta.Bias(0));
        if (!Pathwise(0)) Sigmoid.Compute(s1Chunk, s1Chunk);
        t = Mark(PassPhase.FirstLayerForward, t);
        forwardFromDifferences = gradientFromDifferences = secondSignalSummed = false;
        if (Pathwise(0)) FirstLayerUnits(s1Chunk, sample);
        else if (sample)
        {
            for (int e = 0; e < E; e++)
                BernoulliSample.SampleRows(s1Chunk.Slice(e * n1, n1), 0, ref streams[e], h[0].AsSpan(e * M * n1, M * n1), M, n1);
            if (!ListDifferencesIfFew()) ListIfSparse(0);
        }
        t = Mark(PassPhase.FirstLayerSample, t);

        for (int k = 1; k < shape.HiddenLayerCount; k++)
        {
            int nIn = shape.Sizes[k], nOut = shape.Sizes[k + 1];
            var sk = s[k].AsSpan(0, R * nOut);
            LayerForward(theta, k, sk);
            BiasAdd.AddToRows(sk, R, theta.Bias(k));
            t = Mark(PassPhase.HiddenForward, t);
            if (Pathwise(k))
            {
                HiddenUnits(k, sk, sample);
                t = Mark(PassPhase.HiddenSample, t);
                continue;
            }
            if (!sample)
            {
                Sigmoid.Compute(sk, sk);
                t = Mark(PassPhase.HiddenSample, t);
                continue;
            }
            for (int e = 0; e < E; e++)
            {
                var rows = sk.Slice(e * M * nOut, M * nOut);
                SigmoidBernoulli.SampleRows(rows, ref streams[e], rows, h[k].AsSpan(e * M * nOut, M * nOut), M, nOut);
            }
            ListIfSparse(k);
            t = Mark(PassPhase.HiddenSample, t);
        }

        int L = shape.HiddenLayerCount, nL = shape.Sizes[L], nY = shape.Outputs;
        var oChunk = o.AsSpan(0, R * nY);
        LayerForward(theta, L, oChunk);
        BiasAdd.AddToRows(oChunk, R, theta.Bias(L));
        t = Mark(PassPhase.OutputForward, t);
        OutputHeadForward(oChunk, labels, targets);
        Mark(PassPhase.OutputHead, t);
    }

    /// A pathwise first layer: each of an example's M rows starts from its one `a_1`, and draws its
    /// own noise for `h_1`; unsampled, `h_1 = E[h_1 | a_1]` in place.
    void FirstLayerUnits(Span<float> a1, bool sample)
    {
        int E = Examples, M = Samples, n1 = shape.Sizes[1];
        if (!sample)
        {
            shape.Units[0].Mean(a1, a1);
            return;
        }
        var rows = s[0].AsSpan(0, Rows * n1);
        for (int e = 0; e < E; e++)
            for (int m = 0; m < M; m++)
                a1.Slice(e * n1, n1).CopyTo(rows.Slice((e * M + m) * n1, n1));
        HiddenUnits(0, rows, sample: true);
    }

    /// `h_k` of a pathwise layer from its pre-activations `a` (R, n_k), kept in `s[k]` with the
    /// noise for back-propagation; each example's noise comes from its own stream. The products
    /// above run dense: `h_k` is not 0/1.
    void HiddenUnits(int k, Span<float> a, bool sample)
    {
        var unit = shape.Units[k];
        active[k].Clear();
        if (!sample)
        {
            unit.Mean(a, a);
            return;
        }
        int M = Samples, n = shape.Sizes[k + 1], perUnit = unit.NoisePerUnit;
        for (int e = 0; e < Examples; e++)
        {
            var rows = new Range(e * M * n, (e + 1) * M * n);
            unit.Sample(a[rows], ref streams[e], noise[k].AsSpan(e * M * n * perUnit, M * n * perUnit), h[k].AsSpan(rows));
        }
    }

    /// `a (R, n_{l+1}) = h_{l-1} (R, n_l) W_l^T` for a layer `l >= 1`.
    void LayerForward(Parameters theta, int l, Span<float> a)
    {
        int nIn = shape.Sizes[l], nOut = shape.Sizes[l + 1];
        if (l == 1 && forwardFromDifferences)
        {
            SecondLayerForwardFromDifferences(theta, a);
            return;
        }
        var lists = active[l - 1];
        if (!Sampled || lists.Rows != Rows)
        {
            DenseForward(theta, l, States(l - 1), a, Rows);
            return;
        }
        var wTl = wT.AsSpan(0, nIn * nOut);
        Transpose.Rows(theta.W(l), nOut, nIn, wTl, nOut);
        SelectedRowSum.Sum(lists.RowIndex, lists.RowStart, lists.RowEnd, wTl, nOut, a, nOut, nOut, accumulate: false);
    }
}
