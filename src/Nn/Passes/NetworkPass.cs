using System.Diagnostics;
using System.Numerics.Tensors;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// One thread's forward and backward pass over a chunk of `E` examples with `M` samples each,
/// the engine's fast path. Rows are example-major: row `r = e * M + m`, `R = E * M`.
/// Every buffer is allocated once for the largest chunk; a pass allocates nothing.
///
/// What the `M` samples of an example share is computed once: the first layer's
/// pre-activation `a_1 = W_1 x + b_1`, and the input in the first layer's weight gradient,
/// `G(W_1) = sum_m d_1^(m) x^T = (sum_m d_1^(m)) x^T`. For G2 and G3, whose signal is
/// `d = f(s) g` and whose first-layer `s_1` is the same for every sample, the sum moves further
/// down: `sum_m d_1^(m) = f(s_1) (sum_m d_2^(m)) W_2`, one row per example instead of M.
///
/// Above the first layer the inputs are sampled 0/1 states, so a product with them is a sum of
/// selected rows (`SelectedRowSum`): `a = h W^T` adds the rows of `W^T` where `h` is 1, and
/// `G(W) = d^T h` adds, for each input unit, the rows of `d` where that unit is 1. Each costs one
/// load and add per 1 in `h` against the dense product's FMA per entry, so the sums run only where
/// `h` is sparse enough to win (thresholds measured with `sfnn bench --phases`).
///
/// The M samples of `h_1` share one probability `s_1`, so they mostly agree with the rounded
/// `r = [s_1 > 1/2]`: unit j differs with probability min(s_j, 1 - s_j), which averaged 0.19 over
/// the first epochs of MNIST training (input noise keeps units from saturating). So the second
/// layer is computed from `h_1 = r + (h_1 - r)`: a dense product over the E reference rows and a
/// signed sum of selected rows over the differences,
///   `a_2 = r W_2^T + (h_1 - r) W_2^T`,  `G(W_2) = (sum_m d_2^(m))^T r + d_2^T (h_1 - r)`,
/// each where the differences are few enough to beat the dense product.
public sealed class NetworkPass
{
    /// Largest fraction of ones in `h` for which `a = h W^T` runs as a sum of selected rows: at
    /// one half the sums (with listing the ones and transposing W) cost about the dense product.
    const double SparseForwardDensity = 0.3;
    /// The same for `G(W) = d^T h`, whose sums read rows of `d` from L2 rather than `W^T` from L1
    /// and ran 1.7 times slower than the dense product at one half.
    const double SparseGradientDensity = 0.2;
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

    readonly NetworkShape shape;
    readonly float[] x;         // (E, n0) inputs, filled by the caller
    readonly float[] s1;        // (E, n1) first-layer probabilities, shared by the M samples
    readonly float[][] s;       // per hidden layer: (R, n_l) probabilities s_l = sigmoid(a_l)
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
        for (int k = 0; k < hidden; k++)
        {
            s[k] = new float[rows * shape.Sizes[k + 1]];
            h[k] = new float[rows * shape.Sizes[k + 1]];
            d[k] = new float[rows * shape.Sizes[k + 1]];
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

        // a_1 = W_1 x + b_1 once per example; s_1 = sigmoid(a_1)
        var s1Chunk = s1.AsSpan(0, E * n1);
        DenseForward(theta, 0, x.AsSpan(0, E * n0), s1Chunk, E);
        BiasAdd.AddToRows(s1Chunk, E, theta.Bias(0));
        Sigmoid.Compute(s1Chunk, s1Chunk);
        t = Mark(PassPhase.FirstLayerForward, t);
        forwardFromDifferences = gradientFromDifferences = secondSignalSummed = false;
        if (sample)
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
        if (shape.Head == OutputHead.Softmax)
            SoftmaxRows.Compute(oChunk, R, nY, labels, M, p.AsSpan(0, R * nY), logW.AsSpan(0, R));
        else
            for (int r = 0; r < R; r++)
                logW[r] = BernoulliLogLikelihood.Compute(oChunk.Slice(r * nY, nY), targets.Slice(r / M * nY, nY));

        // C_M = log (1/M) sum_m w^(m); wbar^(m) = w^(m) / sum_m' w^(m'), both in log space
        float logM = MathF.Log(M);
        for (int e = 0; e < E; e++)
        {
            var logWe = logW.AsSpan(e * M, M);
            criterion[e] = LogSumExp.Compute(logWe) - logM;
            Softmax.Compute(logWe, wBar.AsSpan(e * M, M));
        }
        Mark(PassPhase.OutputHead, t);
    }

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

        // Raiko et al. 2014, eq. (15)-(17): G(o) = wbar d log P(y|h) / do
        var dOutChunk = dOut.AsSpan(0, R * nY);
        for (int r = 0; r < R; r++)
        {
            var dRow = dOutChunk.Slice(r * nY, nY);
            int e = r / M;
            if (shape.Head == OutputHead.Softmax)
            {
                // softmax: d log P / do = onehot(y) - softmax(o)
                SoftmaxRows.Signal(p.AsSpan(r * nY, nY), labels[e], wBar[r], dRow);
            }
            else
            {
                // bernoulli: d log P / do = y - sigmoid(o)
                BernoulliLogLikelihood.Gradient(o.AsSpan(r * nY, nY), targets.Slice(e * nY, nY), wBar[r], dRow);
            }
        }
        LayerWeightGradient(dOutChunk, L, gradient);
        BiasGradient(dOutChunk, R, nY, gradient.Bias(L));
        t = Mark(PassPhase.OutputGradient, t);

        ReadOnlySpan<float> upper = dOutChunk;
        for (int k = L - 1; k >= 0; k--)
        {
            int width = shape.Sizes[k + 1], widthAbove = shape.Sizes[k + 2];
            if (k == 0 && M > 1 && estimator.SignalIsElementwiseInSAndG)
            {
                FirstLayerFromSampleSum(theta, estimator, gradient, upper, widthAbove, statistics[0], t);
                return;
            }
            var gk = g.AsSpan(0, R * width);
            if (estimator.BackPropagates)
                MatMul.InputGradient(upper, theta.W(k + 1), gk, R, widthAbove, width);
            t = Mark(PassPhase.InputGradient, t);
            var dk = d[k].AsSpan(0, R * width);
            var layer = new HiddenLayerBatch
            {
                Layer = k, Width = width, Examples = E, Samples = M,
                H = States(k), S = SampledProbabilities(k), G = gk,
                WeightBar = wBar.AsSpan(0, R), Criterion = criterion.AsSpan(0, E),
            };
            estimator.HiddenSignal(layer, dk, statistics[k]);
            t = Mark(PassPhase.HiddenSignal, t);

            if (k > 0)
            {
                // the second layer's signal summed over each example's samples, when its weight
                // gradient from the differences or the first layer's shortcut will use it, also
                // gives its bias gradient from E rows instead of R
                secondSignalSummed = k == 1 && M > 1 && (gradientFromDifferences || estimator.SignalIsElementwiseInSAndG);
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

    /// `a (rows, n_{l+1}) = input (rows, n_l) W_l^T` for any layer, from the packed W_l when there is one.
    void DenseForward(Parameters theta, int l, ReadOnlySpan<float> input, Span<float> a, int rows)
    {
        if (layouts.Packed(l) is { } packed) MatMul.Forward(input, packed, a, rows);
        else MatMul.Forward(input, theta.W(l), a, rows, shape.Sizes[l], shape.Sizes[l + 1]);
    }

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

    static int PaddedWidth(int n) => WeightLayouts.PaddedWidth(n);

    /// `bias (+)= sum of the rows of d` (overwriting when this Backward does).
    void BiasGradient(ReadOnlySpan<float> d, int rows, int width, Span<float> bias)
    {
        if (overwriteGradient) bias.Clear();
        ColumnSum.Add(d, rows, width, bias);
    }

    long StartClock() => Phases is null ? 0 : Phases.Now();
    long Mark(PassPhase phase, long since) => Phases is null ? 0 : Phases.Mark(phase, since);

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

    /// Lists where `h_k` is 1 when it is sparse enough for a sum of selected rows to win; a
    /// vectorized sum of the 0/1 states counts the ones far faster than listing them.
    void ListIfSparse(int k)
    {
        int n = shape.Sizes[k + 1];
        var hk = h[k].AsSpan(0, Rows * n);
        float ones = hk.IsEmpty ? 0 : TensorPrimitives.Sum(hk);
        // above it a layer of at most 16 units (the classifier's 10 outputs) has MatMul's narrow
        // kernel, and each selected row would be one masked vector
        bool sparse = Products == ProductStrategy.Sparse
            || (Products == ProductStrategy.Auto && ones <= SparseForwardDensity * hk.Length && shape.Sizes[k + 2] > 16);
        if (sparse) active[k].Build(hk, Rows, n);
        else active[k].Clear();
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

/// How `NetworkPass` computes products with sampled 0/1 states.
public enum ProductStrategy
{
    /// Sums of selected rows where the states are sparse enough to win, dense products elsewhere.
    Auto,
    /// Dense products everywhere.
    Dense,
    /// Sums of selected rows wherever they apply.
    Sparse,
}

/// The phases of one pass, in the order they run.
public enum PassPhase
{
    FirstLayerForward, FirstLayerSample, HiddenForward, HiddenSample, OutputForward, OutputHead,
    OutputGradient, InputGradient, HiddenSignal, HiddenWeightGradient, FirstWeightGradient,
}

/// Clock ticks per `PassPhase`, summed over every pass that was handed this object. The clock is
/// the stopwatch unless the caller passes another (the bench passes the thread's CPU time, which a
/// machine shared with other jobs does not inflate).
public sealed class PassPhases(Func<long>? clock = null, long ticksPerSecond = 0)
{
    readonly Func<long> clock = clock ?? Stopwatch.GetTimestamp;

    public long[] Ticks { get; } = new long[Enum.GetValues<PassPhase>().Length];
    public long TicksPerSecond { get; } = clock is null ? Stopwatch.Frequency : ticksPerSecond;

    public long Now() => clock();

    /// Adds the time since `since` to `phase` and returns now.
    public long Mark(PassPhase phase, long since)
    {
        long now = clock();
        Ticks[(int)phase] += now - since;
        return now;
    }
}
