using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

internal sealed partial class GsnChain
{
    /// Adds to `gradient` the ascent direction `-dL/dtheta` of the last `Forward`'s loss, summed
    /// over its rows (the same rows): `BackwardSignals`, then every `WeightGradient`.
    public void Backward(GsnParameters theta, int rows, GsnParameters gradient)
    {
        BackwardSignals(theta, rows, gradient);
        for (int k = 1; k <= K; k++) WeightGradient(k, 0, shape.Sizes[k], gradient.W(k), accumulate: true);
    }

    /// Back-propagation through time over the unrolled chain, step T down to 1, each step's even
    /// layers before its odd ones (the reverse of `Step`), keeping every step's `-dL/da` for the
    /// weight gradients (`WeightGradient`) and adding the biases' to `gradient`. Tied weights pass
    /// the signal both up (`W_k h_{k-1}`) and down (`W_k^T h_k`). The visible states entering the
    /// steps are constants; the noises are additive, so they pass the signal unchanged.
    /// `signal[k]` holds `-dL/dh_k` of the layer's latest state not yet back-propagated.
    public void BackwardSignals(GsnParameters theta, int rows, GsnParameters gradient)
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

    /// Rows `[lo, hi)` of `W_k`'s gradient `sum_t d_t^T h_t` from this chain's steps, each term
    /// one product over the steps' rows, into `destination` (`hi - lo` rows of `n_{k-1}`): added,
    /// or with `accumulate` false written by the first term. The terms: the reconstructions'
    /// `h_1^t (-dL/do_t)^T` (W_1); layer k's own `W_k h_{k-1}` (odd k: `h_{k-1}^{t-1}`, steps 1..T,
    /// with `h_{k-1}^0 = 0` for k >= 3, so steps 2..T; even k: `h_{k-1}^t`, steps 1..T-1, the ones
    /// computed); the layer below's `W_k^T h_k` (from `h_k^{t-1}`, steps 2..T, below an odd
    /// layer; from `h_k^t`, steps 1..T-1, below an even one). Returns whether there was a term
    /// (none for an even layer's W_k with walkback 1).
    public bool WeightGradient(int k, int lo, int hi, Span<float> destination, bool accumulate)
    {
        int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1], n0 = shape.Visible;
        if ((uint)lo > (uint)hi || hi > n) SfnnThrow.Argument($"rows [{lo}, {hi}) of W_{k}, which has {n}", nameof(hi));
        if (destination.Length != (hi - lo) * nBelow) SfnnThrow.ArgumentLength(nameof(destination), destination.Length, (hi - lo) * nBelow);
        bool any = false;
        // g (steps first..last of `left`, n_k wide) against x (the same number of steps of `right`, n_{k-1} wide)
        void Term(float[] left, int first, int last, float[] right, int rightFirst, ref bool any, Span<float> destination)
        {
            if (last < first || rows == 0 || hi == lo) return;
            int steps = last - first + 1;
            MatMul.WeightGradient(StepRange(left, first, last, n)[lo..], n, StepRange(right, rightFirst, rightFirst + steps - 1, nBelow), nBelow,
                                  destination, nBelow, steps * rows, hi - lo, nBelow, accumulate || any);
            any = true;
        }
        if (k == 1)
        {
            Term(state[1], 1, T, logitSignal, 1, ref any, destination);
            Term(preSignal[1], 1, T, visible, 1, ref any, destination);
        }
        else if (k % 2 == 1) Term(preSignal[k], 2, T, state[k - 1], 1, ref any, destination);
        else Term(preSignal[k], 1, T - 1, state[k - 1], 1, ref any, destination);
        if (k >= 2)
        {
            if ((k - 1) % 2 == 1) Term(state[k], 1, T - 1, preSignal[k - 1], 2, ref any, destination);
            else Term(state[k], 1, T - 1, preSignal[k - 1], 1, ref any, destination);
        }
        return any;
    }
}
