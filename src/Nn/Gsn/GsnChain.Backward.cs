using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

internal sealed partial class GsnChain
{
    /// Adds to `gradient` the ascent direction `-dL/dtheta` of the last `Forward`'s loss, summed
    /// over its rows: back-propagation through time over the unrolled chain, step T down to 1,
    /// each step's even layers before its odd ones (the reverse of `Step`). Tied weights take both
    /// their upward (`W_k h_{k-1}`) and downward (`W_k^T h_k`) terms. The visible states entering
    /// the steps are constants; the noises are additive, so they pass the signal unchanged.
    /// `signal[k]` holds `-dL/dh_k` of the layer's latest state not yet back-propagated.
    public void Backward(GsnParameters theta, int rows, GsnParameters gradient)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, Capacity);
        int n0 = shape.Visible, n1 = shape.Sizes[1];
        var dLogits = Rows(signal[0], rows, n0);
        for (int t = T; t >= 1; t--)
        {
            // -dL/do_t = (x - p_t) / n_0 (the per-pixel mean), into b_0, W_1 and h_1 (o_t = W_1^T h_1 + b_0)
            BernoulliLogLikelihood.Gradient(Rows(logits[t], rows, n0), Rows(clean, rows, n0), 1f / n0, dLogits);
            ColumnSum.Add(dLogits, rows, n0, gradient.Bias(0));
            TimesWeightsTransposed(theta, 1, dLogits, Rows(signal[1], rows, n1), rows, add: false);
            MatMul.WeightGradient(Rows(state[1][t], rows, n1), dLogits, gradient.W(1), rows, n1, n0);
            for (int k = 3; k <= K; k += 2) Rows(signal[k], rows, shape.Sizes[k]).Clear();
            // the even hidden layers of step T were never computed: nothing read them
            if (t < T)
                for (int k = 2; k <= K; k += 2) EvenBackward(theta, k, t, rows, gradient);
            // the odd layers' signals are complete; they pass theirs to the even layers of step t - 1
            for (int k = 2; k <= K; k += 2) Rows(signal[k], rows, shape.Sizes[k]).Clear();
            for (int k = 1; k <= K; k += 2) OddBackward(theta, k, t, rows, gradient);
        }
    }

    /// Even layer `k >= 2` at step t: `a_k = W_k h_{k-1}^t + W_{k+1}^T h_{k+1}^t + b_k`.
    void EvenBackward(GsnParameters theta, int k, int t, int rows, GsnParameters gradient)
    {
        int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1];
        var da = PreActivationSignal(k, t, rows, gradient);
        MatMul.InputGradientAdd(da, theta.W(k), Rows(signal[k - 1], rows, nBelow), rows, n, nBelow);
        MatMul.WeightGradient(da, Rows(state[k - 1][t], rows, nBelow), gradient.W(k), rows, n, nBelow);
        if (k == K) return;
        int nAbove = shape.Sizes[k + 1];
        TimesWeightsTransposed(theta, k + 1, da, Rows(signal[k + 1], rows, nAbove), rows, add: true);
        MatMul.WeightGradient(Rows(state[k + 1][t], rows, nAbove), da, gradient.W(k + 1), rows, nAbove, n);
    }

    /// Odd layer k at step t: `a_k = W_k h_{k-1}^{t-1} + W_{k+1}^T h_{k+1}^{t-1} + b_k`, with the
    /// visible state entering step t as `h_0^{t-1}` and every hidden state at t - 1 = 0 zero.
    void OddBackward(GsnParameters theta, int k, int t, int rows, GsnParameters gradient)
    {
        int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1];
        var da = PreActivationSignal(k, t, rows, gradient);
        bool fromStart = t == 1;
        float[]? below = k == 1 ? visible[t] : fromStart ? null : state[k - 1][t - 1];
        if (below is not null) MatMul.WeightGradient(da, Rows(below, rows, nBelow), gradient.W(k), rows, n, nBelow);
        if (fromStart) return;
        if (k >= 3) MatMul.InputGradientAdd(da, theta.W(k), Rows(signal[k - 1], rows, nBelow), rows, n, nBelow);
        if (k == K) return;
        int nAbove = shape.Sizes[k + 1];
        TimesWeightsTransposed(theta, k + 1, da, Rows(signal[k + 1], rows, nAbove), rows, add: true);
        MatMul.WeightGradient(Rows(state[k + 1][t - 1], rows, nAbove), da, gradient.W(k + 1), rows, nAbove, n);
    }

    /// `-dL/da_k = -dL/dh_k (1 - tau^2)` in place (h = tanh(a + eta_in) + eta_out), added to b_k's gradient.
    Span<float> PreActivationSignal(int k, int t, int rows, GsnParameters gradient)
    {
        int n = shape.Sizes[k];
        var da = Rows(signal[k], rows, n);
        Tanh.Slope(Rows(tanhOut[k][t], rows, n), da, da);
        ColumnSum.Add(da, rows, n, gradient.Bias(k));
        return da;
    }
}
