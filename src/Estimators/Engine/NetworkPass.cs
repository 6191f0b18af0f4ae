using System.Numerics.Tensors;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators.Engine;

/// One thread's forward and backward pass over a chunk of `E` examples with `M` samples each,
/// the engine's fast path. Rows are example-major: row `r = e * M + m`, `R = E * M`.
/// Every buffer is allocated once for the largest chunk; a pass allocates nothing.
///
/// What the `M` samples of an example share is computed once: the first layer's
/// pre-activation `a_1 = W_1 x + b_1`, and the input in the first layer's weight gradient,
/// `G(W_1) = sum_m d_1^(m) x^T = (sum_m d_1^(m)) x^T`.
public sealed class NetworkPass
{
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
    readonly float[] d1Sum;     // (E, n1) sum over samples of the first layer's signal
    readonly RandomStream[] streams; // (E) one random stream per example
    readonly float[] targetRows;     // (E, nOut) Bernoulli targets, gathered by the caller

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
        d1Sum = new float[maxExamples * shape.Sizes[1]];
        streams = new RandomStream[maxExamples];
        targetRows = new float[shape.Head == OutputHead.Bernoulli ? maxExamples * shape.Outputs : 0];
    }

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

    Span<float> States(int k) => (Sampled ? h[k] : s[k]).AsSpan(0, Rows * shape.Sizes[k + 1]);

    /// Samples every hidden layer (or, when `sample` is false, sets `h = s` with `M = 1`) and
    /// computes `log w`, `wbar` and `C_M`. `labels` (softmax head, length E) or `targets`
    /// (Bernoulli head, (E, nOut)) give each example's `y`.
    public void Forward(Parameters theta, int examples, int samples, bool sample,
                        ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)
    {
        if ((uint)examples > (uint)MaxExamples || samples < 1 || samples > MaxSamples || (!sample && samples != 1))
            throw new ArgumentOutOfRangeException(nameof(examples));
        Examples = examples;
        Samples = samples;
        Sampled = sample;
        int E = examples, M = samples, R = Rows, n0 = shape.Inputs, n1 = shape.Sizes[1];

        // a_1 = W_1 x + b_1 once per example; s_1 = sigmoid(a_1)
        var s1Chunk = s1.AsSpan(0, E * n1);
        MatMul.Forward(x.AsSpan(0, E * n0), theta.W(0), s1Chunk, E, n0, n1);
        BiasAdd.AddToRows(s1Chunk, E, theta.Bias(0));
        Sigmoid.Compute(s1Chunk, s1Chunk);
        for (int e = 0; e < E; e++)
        {
            var s1Row = s1Chunk.Slice(e * n1, n1);
            for (int m = 0; m < M; m++)
            {
                int r = e * M + m;
                s1Row.CopyTo(s[0].AsSpan(r * n1, n1));
                if (sample) BernoulliSample.Sample(s1Row, ref streams[e], h[0].AsSpan(r * n1, n1));
            }
        }

        for (int k = 1; k < shape.HiddenLayerCount; k++)
        {
            int nIn = shape.Sizes[k], nOut = shape.Sizes[k + 1];
            var sk = s[k].AsSpan(0, R * nOut);
            MatMul.Forward(States(k - 1), theta.W(k), sk, R, nIn, nOut);
            BiasAdd.AddToRows(sk, R, theta.Bias(k));
            if (!sample)
            {
                Sigmoid.Compute(sk, sk);
                continue;
            }
            for (int r = 0; r < R; r++)
            {
                var row = sk.Slice(r * nOut, nOut);
                SigmoidBernoulli.Sample(row, ref streams[r / M], row, h[k].AsSpan(r * nOut, nOut));
            }
        }

        int L = shape.HiddenLayerCount, nL = shape.Sizes[L], nY = shape.Outputs;
        var oChunk = o.AsSpan(0, R * nY);
        MatMul.Forward(States(L - 1), theta.W(L), oChunk, R, nL, nY);
        BiasAdd.AddToRows(oChunk, R, theta.Bias(L));
        for (int r = 0; r < R; r++)
        {
            var oRow = oChunk.Slice(r * nY, nY);
            int e = r / M;
            if (shape.Head == OutputHead.Softmax)
            {
                var pRow = p.AsSpan(r * nY, nY);
                LogSoftmax.Compute(oRow, pRow);
                logW[r] = pRow[labels[e]];
                TensorPrimitives.Exp(pRow, pRow);
            }
            else
            {
                logW[r] = BernoulliLogLikelihood.Compute(oRow, targets.Slice(e * nY, nY));
            }
        }

        // C_M = log (1/M) sum_m w^(m); wbar^(m) = w^(m) / sum_m' w^(m'), both in log space
        float logM = MathF.Log(M);
        for (int e = 0; e < E; e++)
        {
            var logWe = logW.AsSpan(e * M, M);
            criterion[e] = LogSumExp.Compute(logWe) - logM;
            Softmax.Compute(logWe, wBar.AsSpan(e * M, M));
        }
    }

    /// Adds this chunk's gradient (summed, not averaged, over its examples) to `gradient`, and
    /// the estimator's statistics of hidden layer `k` to `statistics[k]`.
    public void Backward(Parameters theta, IGradientEstimator estimator, Parameters gradient,
                         ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, float[][] statistics)
    {
        int E = Examples, M = Samples, R = Rows, L = shape.HiddenLayerCount, nY = shape.Outputs;

        // Raiko et al. 2014, eq. (15)-(17): G(o) = wbar d log P(y|h) / do
        var dOutChunk = dOut.AsSpan(0, R * nY);
        for (int r = 0; r < R; r++)
        {
            var dRow = dOutChunk.Slice(r * nY, nY);
            int e = r / M;
            if (shape.Head == OutputHead.Softmax)
            {
                // softmax: d log P / do = onehot(y) - softmax(o)
                TensorPrimitives.Multiply(p.AsSpan(r * nY, nY), -wBar[r], dRow);
                dRow[labels[e]] += wBar[r];
            }
            else
            {
                // bernoulli: d log P / do = y - sigmoid(o)
                BernoulliLogLikelihood.Gradient(o.AsSpan(r * nY, nY), targets.Slice(e * nY, nY), wBar[r], dRow);
            }
        }
        MatMul.WeightGradient(dOutChunk, States(L - 1), gradient.W(L), R, nY, shape.Sizes[L]);
        ColumnSum.Add(dOutChunk, R, nY, gradient.Bias(L));

        ReadOnlySpan<float> upper = dOutChunk;
        for (int k = L - 1; k >= 0; k--)
        {
            int width = shape.Sizes[k + 1], widthAbove = shape.Sizes[k + 2];
            var gk = g.AsSpan(0, R * width);
            if (estimator.BackPropagates)
                MatMul.InputGradient(upper, theta.W(k + 1), gk, R, widthAbove, width);
            var dk = d[k].AsSpan(0, R * width);
            var layer = new HiddenLayerBatch
            {
                Layer = k, Width = width, Examples = E, Samples = M,
                H = States(k), S = s[k].AsSpan(0, R * width), G = gk,
                WeightBar = wBar.AsSpan(0, R), Criterion = criterion.AsSpan(0, E),
            };
            estimator.HiddenSignal(layer, dk, statistics[k]);

            if (k > 0)
            {
                MatMul.WeightGradient(dk, States(k - 1), gradient.W(k), R, width, shape.Sizes[k]);
                ColumnSum.Add(dk, R, width, gradient.Bias(k));
            }
            else
            {
                var dSum = M == 1 ? dk : SumOverSamples(dk, E, M, width);
                MatMul.WeightGradient(dSum, x.AsSpan(0, E * shape.Inputs), gradient.W(0), E, width, shape.Inputs);
                ColumnSum.Add(dSum, E, width, gradient.Bias(0));
            }
            upper = dk;
        }
    }

    /// (E, width) sums over each example's M rows of `rows` (R, width).
    Span<float> SumOverSamples(ReadOnlySpan<float> rows, int E, int M, int width)
    {
        var sum = d1Sum.AsSpan(0, E * width);
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
