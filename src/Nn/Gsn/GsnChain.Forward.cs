using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

internal sealed partial class GsnChain
{
    /// Runs the `T` steps of the chain on rows `[0, rows)` from their inputs, and returns the
    /// summed loss. `draw` false replays the visible states and the noises already in the buffers
    /// (the gradient check holds them fixed while it moves the parameters; the same rows). The
    /// even hidden layers of step T feed no reconstruction of this chain, so they are not computed.
    public double Forward(GsnParameters theta, int rows, bool draw = true)
    {
        ArgumentNullException.ThrowIfNull(theta);
        UseRows(rows);
        if (rows == 0) return 0;
        int n0 = shape.Visible;
        previousIsStart = true;
        if (draw) Corrupt(rows, At(visible, 1, n0));
        Array.Clear(loss, 0, rows);
        for (int t = 1; t <= T; t++)
        {
            Step(theta, t, draw, evenHidden: t < T);
            if (t < T && draw) DrawVisible(t, At(visible, t + 1, n0));
        }
        double sum = 0;
        for (int e = 0; e < rows; e++) sum += loss[e];
        return sum;
    }

    /// Starts a sampling chain (docs/spec/gsn.md, "Sampling"): each row's input corrupted once,
    /// the hidden layers at 0.
    public void BeginSampling(int rows)
    {
        UseRows(rows);
        previousIsStart = true;
        Corrupt(rows, At(visible, 1, shape.Visible));
    }

    /// Each row's clean input, salt-and-pepper corrupted, into `destination`.
    void Corrupt(int rows, Span<float> destination)
    {
        int n0 = shape.Visible;
        for (int e = 0; e < rows; e++) SaltAndPepper.Corrupt(Input(e), settings.InputNoise, ref streams[e], destination.Slice(e * n0, n0));
    }

    /// One noisy step of the sampling chain: odd layers, then even ones (all of them); writes the
    /// mean-field reconstruction `p_t` of each row into `means`, then moves the chain on: the step's
    /// states become the next step's previous ones and the visible state is `salt-and-pepper(Bernoulli(p_t))`.
    /// `rows` are `BeginSampling`'s.
    public void SampleStep(GsnParameters theta, int rows, Span<float> means)
    {
        ArgumentNullException.ThrowIfNull(theta);
        if (rows != this.rows) SfnnThrow.Argument($"the chain samples {this.rows} rows (BeginSampling), not {rows}", nameof(rows));
        int n0 = shape.Visible;
        if (means.Length < rows * n0) SfnnThrow.DestinationTooShort();
        Step(theta, 1, draw: true, evenHidden: true);
        Sigmoid.Compute(At(logits, 1, n0), means[..(rows * n0)]);
        for (int k = 1; k <= K; k++) At(state[k], 1, shape.Sizes[k]).CopyTo(At(state[k], 0, shape.Sizes[k]));
        previousIsStart = false;
        DrawVisible(1, At(visible, 1, n0));
    }

    /// Step `t`: the odd layers from the even ones of step t - 1 (the visible one: the state
    /// entering step t), then the reconstruction `p_t` and its loss, then the even hidden layers
    /// from the odd ones just updated (Bengio et al. 2014, Figure 1).
    void Step(GsnParameters theta, int t, bool draw, bool evenHidden)
    {
        int n0 = shape.Visible, n1 = shape.Sizes[1];
        bool fromStart = t == 1 && previousIsStart; // h_k at t - 1 is 0: its products are 0 and cost nothing
        for (int k = 1; k <= K; k += 2)
            Layer(theta, k, t, draw,
                  below: k == 1 ? At(visible, t, n0) : fromStart ? default : At(state[k - 1], t - 1, shape.Sizes[k - 1]),
                  above: k < K && !fromStart ? At(state[k + 1], t - 1, shape.Sizes[k + 1]) : default);

        // p_t = sigmoid(W_1^T h_1 + b_0), its cross-entropy against the clean x, per pixel
        var o = At(logits, t, n0);
        TimesWeights(theta, 1, At(state[1], t, n1), o, add: false);
        BiasAdd.AddToRows(o, rows, theta.Bias(0));
        for (int e = 0; e < rows; e++)
            loss[e] -= BernoulliLogLikelihood.Compute(o.Slice(e * n0, n0), clean.AsSpan(e * n0, n0)) / (double)n0;

        if (!evenHidden) return;
        for (int k = 2; k <= K; k += 2)
            Layer(theta, k, t, draw, below: At(state[k - 1], t, shape.Sizes[k - 1]), above: k < K ? At(state[k + 1], t, shape.Sizes[k + 1]) : default);
    }

    /// `h_k = tanh(W_k h_{k-1} + W_{k+1}^T h_{k+1} + b_k + eta_in) + eta_out` (docs/spec/gsn.md,
    /// "Model"; the noises only where `Settings.Noisy(k)`); an empty neighbour is 0.
    void Layer(GsnParameters theta, int k, int t, bool draw, ReadOnlySpan<float> below, ReadOnlySpan<float> above)
    {
        int n = shape.Sizes[k];
        var a = At(tanhOut[k], t, n);
        if (!below.IsEmpty) TimesWeightsTransposed(theta, k, below, a, add: false);
        else a.Clear();
        if (!above.IsEmpty) TimesWeights(theta, k + 1, above, a, add: true);
        BiasAdd.AddToRows(a, rows, theta.Bias(k));
        if (!settings.Noisy(k))
        {
            Tanh.Compute(a, a);
            return;
        }
        var etaIn = At(noiseIn[k], t, n);
        var etaOut = At(noiseOut[k], t, n);
        if (draw)
            for (int e = 0; e < rows; e++)
            {
                Gaussian.AddNoise(zeros.AsSpan(0, n), settings.HiddenNoise, ref streams[e], etaIn.Slice(e * n, n));
                Gaussian.AddNoise(zeros.AsSpan(0, n), settings.HiddenNoise, ref streams[e], etaOut.Slice(e * n, n));
            }
        TensorPrimitives.Add(a, etaIn, a);
        Tanh.Compute(a, a);
        TensorPrimitives.Add(a, etaOut, At(state[k], t, n));
    }

    /// `destination = salt-and-pepper(Bernoulli(p_t))` row by row: the visible state entering the
    /// next step, a constant to the backward pass (docs/spec/gsn.md: no gradient through the sample).
    void DrawVisible(int t, Span<float> destination)
    {
        int n0 = shape.Visible;
        Sigmoid.Compute(At(logits, t, n0), Rows(probability, rows, n0));
        for (int e = 0; e < rows; e++)
        {
            var row = destination.Slice(e * n0, n0);
            BernoulliSample.Sample(probability.AsSpan(e * n0, n0), ref streams[e], row);
            SaltAndPepper.Corrupt(row, settings.InputNoise, ref streams[e], row);
        }
    }
}
