using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// One thread's forward and backward pass over a chunk of `E` examples with `M` samples each,
/// the engine's fast path. Rows are example-major: row `r = e * M + m`, `R = E * M`.
/// Every buffer is allocated once for the largest chunk; a pass allocates nothing.
/// The strategies that make it fast live beside it: NetworkPass.SampleSharing.cs (work the M
/// samples share), NetworkPass.SparseProducts.cs (products with sparse 0/1 states).
internal sealed partial class NetworkPass
{
    readonly NetworkShape shape;
    readonly float[] x;         // (E, n0) inputs, filled by the caller
    readonly float[] s1;        // (E, n1) first-layer probabilities, shared by the M samples
    readonly float[][] s;       // per hidden layer: (R, n_l) probabilities s_l = sigmoid(a_l), or a_l for a pathwise unit
    readonly float[][] noise;   // per hidden layer with a pathwise unit: (R, n_l * NoisePerUnit) the noise that made h_l
    readonly float[][] h;       // per hidden layer: (R, n_l) sampled states
    readonly float[] o;         // (R, nOut) output pre-activations
    readonly float[] p;         // (R, nOut) softmax(o) (softmax head only)
    readonly float[] logW;      // (R) log w = log P(y | h)
    readonly float[] wBar;      // (R) normalised weights per example
    readonly float[] criterion; // (E) C_M
    readonly float[] dOut;      // (R, nOut) output signal G(o)
    readonly float[] g;         // (R, max n_l) back-propagated signal
    readonly float[][] d;       // per hidden layer: (R, n_l) estimator signal
    readonly float[] sampleSum; // (E, max n_l) a signal summed over each example's samples
    readonly RandomStream[] streams; // (E) one random stream per example
    readonly float[] targetRows;     // (E, nOut) Bernoulli targets, gathered by the caller
    readonly NonzeroLists[] active;  // per hidden layer: where h_l is 1, by row and by column
    readonly float[] wT;             // (n_l, n_{l+1}) W_l^T of the layer being computed (l >= 1)
    readonly float[] gT;             // (n_l, n_{l+1}) G(W_l)^T of the layer being computed (l >= 1)
    readonly float[] reference;      // (E, n1) r = [s_1 > 1/2], the state h_1's samples mostly share
    readonly float[] referenceRows;  // (E, n2) r W_2^T
    readonly DifferenceLists differences; // where h_1 differs from r, by sign
    readonly AlignedBuffer paddedRows; // (n1, ld) G(W_2)^T, rows padded to ld = 16k >= n2 and 64-byte aligned
    WeightLayouts layouts = null!;   // this Forward's layouts of the weights: the caller's, or `ownLayouts`
    WeightLayouts? ownLayouts;       // laid out here, on each Forward, when a caller shares none
    bool forwardFromDifferences;     // whether this chunk's a_2 runs from `differences`
    bool gradientFromDifferences;    // whether this chunk's G(W_2) does
    bool secondSignalSummed;         // whether `sampleSum` holds d_2 summed over each example's samples
    bool overwriteGradient;          // whether this Backward writes the gradient rather than adding to it

    public NetworkPass(NetworkShape shape, int maxExamples, int maxSamples)
    {
        this.shape = shape;
        MaxExamples = maxExamples;
        MaxSamples = maxSamples;
        int rows = maxExamples * maxSamples, hidden = shape.HiddenLayerCount;
        x = new float[maxExamples * shape.Inputs];
        s1 = new float[maxExamples * shape.Sizes[1]];
        s = new float[hidden][];
        h = new float[hidden][];
        d = new float[hidden][];
        noise = new float[hidden][];
        for (int k = 0; k < hidden; k++)
        {
            s[k] = new float[rows * shape.Sizes[k + 1]];
            h[k] = new float[rows * shape.Sizes[k + 1]];
            d[k] = new float[rows * shape.Sizes[k + 1]];
            noise[k] = new float[Pathwise(k) ? rows * shape.Sizes[k + 1] * shape.Units[k].NoisePerUnit : 0];
        }
        o = new float[rows * shape.Outputs];
        p = new float[rows * shape.Outputs];
        dOut = new float[rows * shape.Outputs];
        logW = new float[rows];
        wBar = new float[rows];
        criterion = new float[maxExamples];
        g = new float[rows * shape.Sizes.Skip(1).Take(hidden).Max()];
        sampleSum = new float[maxExamples * shape.Sizes.Skip(1).Max()]; // any layer above the input, output included
        streams = new RandomStream[maxExamples];
        targetRows = new float[shape.Head == OutputHead.Bernoulli ? maxExamples * shape.Outputs : 0];
        active = new NonzeroLists[hidden];
        for (int k = 0; k < hidden; k++) active[k] = new NonzeroLists(rows, shape.Sizes[k + 1]);
        int upperWeights = 0;
        for (int l = 1; l < shape.LayerCount; l++) upperWeights = Math.Max(upperWeights, shape.WeightCount(l));
        wT = new float[upperWeights];
        gT = new float[upperWeights];
        int n1 = shape.Sizes[1], n2 = shape.Sizes[2];
        bool twoLayers = hidden >= 2 && maxSamples > 1;
        reference = new float[twoLayers ? maxExamples * n1 : 0];
        referenceRows = new float[twoLayers ? maxExamples * n2 : 0];
        differences = new DifferenceLists(twoLayers ? rows : 0, twoLayers ? n1 : 0);
        paddedRows = new AlignedBuffer(twoLayers ? n1 * PaddedWidth(n2) : 0);
    }

    /// How products with sampled states are computed; `Auto` picks by measured density, the others
    /// force one way wherever it applies (tests hold the sparse paths to the dense one).
    public ProductStrategy Products { get; set; } = ProductStrategy.Auto;

    /// When set, `Forward` and `Backward` add the wall-clock ticks of each phase to it (a profile
    /// for `sfnn bench --phases`); null in training, where it costs one branch per phase.
    public PassPhases? Phases { get; set; }

    public NetworkShape Shape => shape;
    public int MaxExamples { get; }
    public int MaxSamples { get; }
    public int Examples { get; private set; }
    public int Samples { get; private set; }
    public bool Sampled { get; private set; }
    int Rows => Examples * Samples;

    /// Where the caller writes example `e`'s input before `Forward`.
    public Span<float> Input(int e) => x.AsSpan(e * shape.Inputs, shape.Inputs);
    /// Where the caller may gather the (E, nOut) Bernoulli targets of the chunk.
    public Span<float> TargetBuffer(int examples) => targetRows.AsSpan(0, examples * shape.Outputs);
    /// Example `e`'s random stream; the caller seeds it before `Forward`.
    public ref RandomStream Stream(int e) => ref streams[e];
    /// `C_M` of example `e` after `Forward`.
    public float Criterion(int e) => criterion[e];
    /// `log P(y | h^(m))` of each sample of example `e` after `Forward`.
    public ReadOnlySpan<float> LogWeights(int e) => logW.AsSpan(e * Samples, Samples);
    /// `softmax(o)` of row `r` (softmax head) after `Forward`.
    public ReadOnlySpan<float> ClassProbabilities(int row) => p.AsSpan(row * shape.Outputs, shape.Outputs);
    /// `h_l` (or `s_l` when not sampled) of every row, (R, n_l).
    public ReadOnlySpan<float> HiddenStates(int k) => States(k);
    /// Output pre-activations `o`, (R, nOut).
    public ReadOnlySpan<float> OutputActivations => o.AsSpan(0, Rows * shape.Outputs);

    // unsampled, h = s, and the first layer's s is s1 itself (M = 1)
    Span<float> States(int k) => (Sampled ? h[k] : k == 0 ? s1 : s[k]).AsSpan(0, Rows * shape.Sizes[k + 1]);

    /// Whether hidden layer `k`'s unit back-propagates itself (noisy rectifier, STS, sigmoid)
    /// rather than through an estimator (the sigmoid-Bernoulli unit).
    bool Pathwise(int k) => shape.Units[k].HasPathwiseGradient;

    /// The noise that made `h_k` in the last sampled `Forward`, (R, n_k * NoisePerUnit); empty for a binary layer.
    public ReadOnlySpan<float> Noise(int k) => noise[k].AsSpan(0, noise[k].Length == 0 ? 0 : Rows * shape.Sizes[k + 1] * shape.Units[k].NoisePerUnit);

    /// `a (rows, n_{l+1}) = input (rows, n_l) W_l^T` for any layer, from the packed W_l when there is one.
    void DenseForward(Parameters theta, int l, ReadOnlySpan<float> input, Span<float> a, int rows)
    {
        if (layouts.Packed(l) is { } packed) MatMul.Forward(input, packed, a, rows);
        else MatMul.Forward(input, theta.W(l), a, rows, shape.Sizes[l], shape.Sizes[l + 1]);
    }

    static int PaddedWidth(int n) => WeightLayouts.PaddedWidth(n);

    long StartClock() => Phases is null ? 0 : Phases.Now();
    long Mark(PassPhase phase, long since) => Phases is null ? 0 : Phases.Mark(phase, since);
}
