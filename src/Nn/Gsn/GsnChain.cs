using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gsn;

/// One thread's unrolled walkback chain over up to `Capacity` examples (Bengio et al. 2014,
/// Figure 1 and section 7; docs/spec/gsn.md, "The unrolled chain"): hidden layers start at 0,
/// each of the `T` steps updates the odd layers from their neighbours, then the even ones (the
/// visible reconstruction `p_t = sigmoid(W_1^T h_1 + b_0)` first), and the visible state entering
/// the next step is `salt-and-pepper(Bernoulli(p_t))`. The loss of an example is
/// `sum_t mean_pixels BCE(p_t, x)`. Forward (`.Forward.cs`) keeps every step's states; backward
/// (`.Backward.cs`) runs through the hidden layers and the additive noises, never through the
/// visible samples. Every buffer is sized here, so a step allocates nothing.
/// Rows are examples, each drawing from its own `RandomStream`, so a draw never depends on which
/// rows share a chain.
internal sealed partial class GsnChain
{
    readonly GsnShape shape;
    readonly GsnChainSettings settings;
    readonly int T, K;
    readonly float[] clean;         // x, (Capacity, n_0)
    readonly float[][] visible;     // [t] the visible state entering step t (1..T): (Capacity, n_0)
    readonly float[][] logits;      // [t] o_t = W_1^T h_1 + b_0 (1..T)
    readonly float[][][] tanhOut;   // [k][t] tau = tanh(a + eta_in) (k, t = 1..)
    readonly float[][][] state;     // [k][t] h = tau + eta_out; t = 0 is the chain's start, zero
    readonly float[][][] noiseIn;   // [k][t] eta_in, noisy layers only
    readonly float[][][] noiseOut;  // [k][t] eta_out
    readonly float[][] signal;      // [k] -dL/dh_k of the step being back-propagated; [0] the logits'
    readonly float[] probability;   // p_t of the step being sampled, (Capacity, n_0)
    readonly float[] zeros;         // a row of zeros to draw pure noise onto
    readonly RandomStream[] streams;
    readonly double[] loss;
    bool previousIsStart = true;    // the states at t = 0 are the chain's zero start
    PackedWeights?[] packed = [];   // [k] W_k as `MatMul.Forward` packs it, shared by the workers (GsnStep)

    public GsnChain(GsnShape shape, GsnChainSettings settings, int capacity)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Walkback, 1);
        (this.shape, this.settings, Capacity) = (shape, settings, capacity);
        T = settings.Walkback;
        K = shape.HiddenLayers;
        int n0 = shape.Visible;
        clean = new float[capacity * n0];
        probability = new float[capacity * n0];
        visible = Steps(n0, 1);
        logits = Steps(n0, 1);
        tanhOut = new float[K + 1][][];
        state = new float[K + 1][][];
        noiseIn = new float[K + 1][][];
        noiseOut = new float[K + 1][][];
        signal = new float[K + 1][];
        signal[0] = new float[capacity * n0];
        for (int k = 1; k <= K; k++)
        {
            int n = shape.Sizes[k];
            tanhOut[k] = Steps(n, 1);
            noiseIn[k] = settings.Noisy(k) ? Steps(n, 1) : [];
            noiseOut[k] = settings.Noisy(k) ? Steps(n, 1) : [];
            // without the output noise h is tau itself; t = 0 is its own (zero) array either way
            state[k] = settings.Noisy(k) ? Steps(n, 0) : [new float[capacity * n], .. tanhOut[k][1..]];
            signal[k] = new float[capacity * n];
        }
        zeros = new float[shape.Sizes.Max()];
        streams = new RandomStream[capacity];
        loss = new double[capacity];
    }

    /// `T + 1` arrays of `(Capacity, n)` (index 0 only when `first` is 0; else an empty one).
    float[][] Steps(int n, int first)
    {
        var steps = new float[T + 1][];
        for (int t = 0; t <= T; t++) steps[t] = t >= first ? new float[Capacity * n] : [];
        return steps;
    }

    public int Capacity { get; }
    public GsnShape Shape => shape;
    public GsnChainSettings Settings => settings;

    /// Example `e`'s clean input `x`, to be written before `Forward`.
    public Span<float> Input(int e) => clean.AsSpan(e * shape.Visible, shape.Visible);
    /// Example `e`'s random stream, to be set before `Forward`; it moves on as the chain draws.
    public ref RandomStream Stream(int e) => ref streams[e];
    /// Example `e`'s loss from the last `Forward`: `sum_t mean_pixels BCE(p_t, x)`.
    public double Loss(int e) => loss[e];

    /// The visible state entering step `t` (1..T): rows of `n_0` (what `Forward` drew, or what a
    /// replay gives it).
    public Span<float> Visible(int t) => visible[t];
    /// `eta_in` and `eta_out` of hidden layer `k` at step `t`; empty for a noise-free layer.
    public Span<float> NoiseIn(int k, int t) => noiseIn[k].Length == 0 ? default : noiseIn[k][t];
    public Span<float> NoiseOut(int k, int t) => noiseOut[k].Length == 0 ? default : noiseOut[k][t];
    /// `o_t`, the logits of reconstruction `t`.
    public ReadOnlySpan<float> Logits(int t) => logits[t];
    /// `h_k` after step `t`.
    public ReadOnlySpan<float> State(int k, int t) => state[k][t];

    static Span<float> Rows(float[] buffer, int rows, int n) => buffer.AsSpan(0, rows * n);

    /// Products by `W_k` as stored (`x W_k^T`) then read `layouts[k]` where it is not null, instead
    /// of packing `W_k` on every call: the caller packs them (`MatMul.PackForward`) whenever the
    /// parameters change. Null or empty: every product packs for itself.
    public void UsePackedWeights(PackedWeights?[]? layouts) => packed = layouts ?? [];

    /// `c (+)= x W_k^T` for rows of `x`, through the packed `W_k` when there is one.
    void TimesWeightsTransposed(GsnParameters theta, int k, ReadOnlySpan<float> x, Span<float> c, int rows, bool add)
    {
        int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1];
        var layout = k < packed.Length ? packed[k] : null;
        if (layout is not null && add) MatMul.ForwardAdd(x, layout, c, rows);
        else if (layout is not null) MatMul.Forward(x, layout, c, rows);
        else if (add) MatMul.ForwardAdd(x, theta.W(k), c, rows, nBelow, n);
        else MatMul.Forward(x, theta.W(k), c, rows, nBelow, n);
    }
}
