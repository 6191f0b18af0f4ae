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
    // Each quantity's steps lie in one block, step t's rows at t * rows * n (rows: those of the
    // last Forward or BeginSampling), so that every term of a weight's gradient, summed over the
    // steps, is one product over T * rows rows: per step, the 1500-row gradients of W_1 and W_2
    // were read and written eight and six times a step over 50 rows each.
    readonly float[] clean;         // x, (Capacity, n_0)
    readonly float[] visible;       // v_t, the visible state entering step t (1..T), rows of n_0
    readonly float[] logits;        // o_t = W_1^T h_1 + b_0 (1..T)
    readonly float[] logitSignal;   // -dL/do_t (1..T), for W_1's gradient
    readonly float[][] tanhOut;     // [k] tau_t = tanh(a + eta_in) (k, t = 1..)
    readonly float[][] state;       // [k] h_t = tau_t + eta_out; t = 0 is the chain's start; tanhOut[k] itself without noise
    readonly float[][] noiseIn;     // [k] eta_in, noisy layers only
    readonly float[][] noiseOut;    // [k] eta_out
    readonly float[][] preSignal;   // [k] -dL/da_k at step t (1..T), for the weight gradients
    readonly float[][] signal;      // [k] -dL/dh_k of the step being back-propagated, (Capacity, n_k)
    readonly float[] probability;   // p_t of the step being sampled, (Capacity, n_0)
    readonly float[] zeros;         // a row of zeros to draw pure noise onto
    readonly RandomStream[] streams;
    readonly double[] loss;
    int rows;                       // the rows of the steps in the blocks
    bool previousIsStart = true;    // the states at t = 0 are the chain's zero start
    PackedWeights?[] packed = [];   // [k] W_k as `MatMul.Forward` packs it, shared by the workers (GsnStep)
    PackedWeights?[] packedDown = []; // [k] W_k as `MatMul.PackInputGradient` packs it, for the products by W_k (downward)

    public GsnChain(GsnShape shape, GsnChainSettings settings, int capacity)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Walkback, 1);
        (this.shape, this.settings, Capacity) = (shape, settings, capacity);
        T = settings.Walkback;
        K = shape.HiddenLayers;
        rows = capacity;
        int n0 = shape.Visible;
        clean = new float[capacity * n0];
        probability = new float[capacity * n0];
        visible = Steps(n0);
        logits = Steps(n0);
        logitSignal = Steps(n0);
        tanhOut = new float[K + 1][];
        state = new float[K + 1][];
        noiseIn = new float[K + 1][];
        noiseOut = new float[K + 1][];
        preSignal = new float[K + 1][];
        signal = new float[K + 1][];
        for (int k = 1; k <= K; k++)
        {
            int n = shape.Sizes[k];
            tanhOut[k] = Steps(n);
            noiseIn[k] = settings.Noisy(k) ? Steps(n) : [];
            noiseOut[k] = settings.Noisy(k) ? Steps(n) : [];
            // without the output noise h is tau itself, its step 0 the (zero) start
            state[k] = settings.Noisy(k) ? Steps(n) : tanhOut[k];
            preSignal[k] = Steps(n);
            signal[k] = new float[capacity * n];
        }
        zeros = new float[shape.Sizes.Max()];
        streams = new RandomStream[capacity];
        loss = new double[capacity];
    }

    /// A block of steps 0..T of `(Capacity, n)`.
    float[] Steps(int n) => new float[(T + 1) * Capacity * n];

    /// Step `t`'s rows of `n` in `block`.
    Span<float> At(float[] block, int t, int n) => block.AsSpan(t * rows * n, rows * n);

    /// Steps `first..last` of `block`, one after another: `(last - first + 1) * rows` rows of `n`.
    Span<float> StepRange(float[] block, int first, int last, int n) => block.AsSpan(first * rows * n, (last - first + 1) * rows * n);

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
    public Span<float> Visible(int t) => At(visible, t, shape.Visible);
    /// `eta_in` and `eta_out` of hidden layer `k` at step `t`; empty for a noise-free layer.
    public Span<float> NoiseIn(int k, int t) => noiseIn[k].Length == 0 ? default : At(noiseIn[k], t, shape.Sizes[k]);
    public Span<float> NoiseOut(int k, int t) => noiseOut[k].Length == 0 ? default : At(noiseOut[k], t, shape.Sizes[k]);
    /// `o_t`, the logits of reconstruction `t`.
    public ReadOnlySpan<float> Logits(int t) => At(logits, t, shape.Visible);
    /// `h_k` after step `t`.
    public ReadOnlySpan<float> State(int k, int t) => At(state[k], t, shape.Sizes[k]);

    static Span<float> Rows(float[] buffer, int rows, int n) => buffer.AsSpan(0, rows * n);

    /// Sets the rows the blocks' steps hold (a Forward's or a sampling chain's).
    void UseRows(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        rows = count;
    }

    /// Products by `W_k` as stored (`x W_k^T`) then read `up[k]`, and products by `W_k^T` (`g W_k`)
    /// `down[k]`, where they are not null, instead of packing `W_k` on every call: the caller
    /// packs them (`MatMul.PackForward`, `MatMul.PackInputGradient`) whenever the parameters
    /// change. Null or empty: every product packs for itself.
    public void UsePackedWeights(PackedWeights?[]? up, PackedWeights?[]? down = null) => (packed, packedDown) = (up ?? [], down ?? []);

    /// `c (+)= x W_k^T` for the rows of `x`, through the packed `W_k` when there is one.
    void TimesWeightsTransposed(GsnParameters theta, int k, ReadOnlySpan<float> x, Span<float> c, bool add)
    {
        int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1];
        var layout = k < packed.Length ? packed[k] : null;
        if (layout is not null && add) MatMul.ForwardAdd(x, layout, c, rows);
        else if (layout is not null) MatMul.Forward(x, layout, c, rows);
        else if (add) MatMul.ForwardAdd(x, theta.W(k), c, rows, nBelow, n);
        else MatMul.Forward(x, theta.W(k), c, rows, nBelow, n);
    }

    /// `c (+)= g W_k` for the rows of `g`, through the downward-packed `W_k` when there is one.
    void TimesWeights(GsnParameters theta, int k, ReadOnlySpan<float> g, Span<float> c, bool add)
    {
        int n = shape.Sizes[k], nBelow = shape.Sizes[k - 1];
        var layout = k < packedDown.Length ? packedDown[k] : null;
        if (layout is not null && add) MatMul.ForwardAdd(g, layout, c, rows);
        else if (layout is not null) MatMul.Forward(g, layout, c, rows);
        else if (add) MatMul.InputGradientAdd(g, theta.W(k), c, rows, n, nBelow);
        else MatMul.InputGradient(g, theta.W(k), c, rows, n, nBelow);
    }
}
