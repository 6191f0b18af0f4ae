using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

internal sealed partial class GsnChain
{
    /// Adds to `gradient` the ascent direction `-dL/dtheta` of the last `Forward`'s loss, summed
    /// over its rows (the same rows): back-propagation through time over the unrolled chain, step
    /// T down to 1, each step's even layers before its odd ones (the reverse of `Step`), keeping
    /// every step's `-dL/da`; then each weight's gradient terms, one product per term over all the
    /// steps (`WeightGradients`). Tied weights take both their upward (`W_k h_{k-1}`) and downward
    /// (`W_k^T h_k`) terms. The visible states entering the steps are constants; the noises are
    /// additive, so they pass the signal unchanged. `signal[k]` holds `-dL/dh_k` of the layer's
    /// latest state not yet back-propagated.
    public void Backward(GsnParameters theta, int rows, GsnParameters gradient)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(gradient);
        if (rows != this.rows) SfnnThrow.Argument($"the last Forward ran {this.rows} rows, not {rows}", nameof(rows));
        if (rows == 0) return;
        int n0 = shape.Visible, n1 = shape.Sizes[1];
        for (int t = T; t >= 1; t--)
        {
            // -dL/do_t = (x - p_t) / n_0 (the per-pixel mean), into b_0 and h_1 (o_t = W_1^T h_1 + b_0)
            var dLogits = At(logitSignal, t, n0);
            BernoulliLogLikelihood.Gradient(At(logits, t, n0), Rows(clean, rows, n0), 1f / n0, dLogits);
            ColumnSum.Add(dLogits, rows, n0, gradient.Bias(0));
            TimesWeightsTransposed(theta, 1, dLogits, Rows(signal[1], rows, n1), add: false);
            for (int k = 3; k <= K; k += 2) Rows(signal[k], rows, shape.Sizes[k]).Clear();
            // the even hidden layers of step T were never computed: nothing read them
            if (t < T)
                for (int k = 2; k <= K; k += 2) EvenBackward(theta, k, t, gradient);
            // the odd layers' signals are complete; they pass theirs to the even layers of step t - 1
            for (int k = 2; k <= K; k += 2) Rows(signal[k], rows, shape.Sizes[k]).Clear();
            for (int k = 1; k <= K; k += 2) OddBackward(theta, k, t, gradient);
        }
        WeightGradients(gradient);
    }

    /// Even layer `k >= 2` at step t: `a_k = W_k h_{k-1}^t + W_{k+1}^T h_{k+1}^t + b_k`.
    void EvenBackward(GsnParameters theta, int k, int t, GsnParameters gradient)
    {
        int nBelow = shape.Sizes[k - 1];
        var da = PreActivationSignal(k, t, gradient);
        TimesWeights(theta, k, da, Rows(signal[k - 1], rows, nBelow), add: true);
        if (k < K) TimesWeightsTransposed(theta, k + 1, da, Rows(signal[k + 1], rows, shape.Sizes[k + 1]), add: true);
    }

    /// Odd layer k at step t: `a_k = W_k h_{k-1}^{t-1} + W_{k+1}^T h_{k+1}^{t-1} + b_k`, with the
    /// visible state entering step t as `h_0^{t-1}` and every hidden state at t - 1 = 0 zero.
    void OddBackward(GsnParameters theta, int k, int t, GsnParameters gradient)
    {
        int nBelow = shape.Sizes[k - 1];
        var da = PreActivationSignal(k, t, gradient);
        if (t == 1) return;
        if (k >= 3) TimesWeights(theta, k, da, Rows(signal[k - 1], rows, nBelow), add: true);
        if (k < K) TimesWeightsTransposed(theta, k + 1, da, Rows(signal[k + 1], rows, shape.Sizes[k + 1]), add: true);
    }

    /// `-dL/da_k = -dL/dh_k (1 - tau^2)` of step t (h = tanh(a + eta_in) + eta_out), kept in
    /// `preSignal` and added to b_k's gradient.
    Span<float> PreActivationSignal(int k, int t, GsnParameters gradient)
    {
        int n = shape.Sizes[k];
        var da = At(preSignal[k], t, n);
        Tanh.Slope(At(tanhOut[k], t, n), Rows(signal[k], rows, n), da);
        ColumnSum.Add(da, rows, n, gradient.Bias(k));
        return da;
    }

    /// Every weight gradient term of the steps, `G(W) += sum_t d_t^T h_t`, as one product over the
    /// steps' rows each: the reconstructions' `h_1^t (-dL/do_t)^T` into W_1; an odd layer's
    /// `W_k h_{k-1}^{t-1}` and `W_{k+1}^T h_{k+1}^{t-1}` (steps 1..T; with `h_{k-1}^0 = 0` for k >= 3
    /// and `h_{k+1}^0 = 0`, steps 2..T); an even layer's `W_k h_{k-1}^t` and `W_{k+1}^T h_{k+1}^t`
    /// (steps 1..T-1, the ones computed).
    void WeightGradients(GsnParameters gradient)
    {
        int n0 = shape.Visible;
        MatMul.WeightGradient(StepRange(state[1], 1, T, shape.Sizes[1]), StepRange(logitSignal, 1, T, n0), gradient.W(1), T * rows, shape.Sizes[1], n0);
        for (int k = 1; k <= K; k++)
        {
            int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1], nAbove = k < K ? shape.Sizes[k + 1] : 0;
            if (k % 2 == 1)
            {
                if (k == 1) MatMul.WeightGradient(StepRange(preSignal[1], 1, T, n), StepRange(visible, 1, T, n0), gradient.W(1), T * rows, n, n0);
                else if (T > 1) MatMul.WeightGradient(StepRange(preSignal[k], 2, T, n), StepRange(state[k - 1], 1, T - 1, nBelow), gradient.W(k), (T - 1) * rows, n, nBelow);
                if (k < K && T > 1)
                    MatMul.WeightGradient(StepRange(state[k + 1], 1, T - 1, nAbove), StepRange(preSignal[k], 2, T, n), gradient.W(k + 1), (T - 1) * rows, nAbove, n);
            }
            else if (T > 1)
            {
                MatMul.WeightGradient(StepRange(preSignal[k], 1, T - 1, n), StepRange(state[k - 1], 1, T - 1, nBelow), gradient.W(k), (T - 1) * rows, n, nBelow);
                if (k < K)
                    MatMul.WeightGradient(StepRange(state[k + 1], 1, T - 1, nAbove), StepRange(preSignal[k], 1, T - 1, n), gradient.W(k + 1), (T - 1) * rows, nAbove, n);
            }
        }
    }
}
