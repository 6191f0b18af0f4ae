using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Training;

/// The deterministic net's minibatch step with the work split by units rather than by examples:
/// worker w owns a share `U_l^w` of every layer's units (whole 16-unit blocks), computes them for
/// all the minibatch's examples, and owns their rows of W_l (and their columns of the output
/// layer's W). Split by examples, every step sends the whole of W_1 (packed) and of the shards'
/// gradients from one core to the other, about 1 MB, and on this machine writing lines that the
/// other core holds is slow: the two-thread step's update (sum, momentum, repacking) took 176 us
/// against 113 on one thread. Split by units, each worker's weights, gradient and velocity stay
/// in its own cache (its forward packs its rows of W on the fly: a packed copy kept beside them
/// was 2-3% slower); what crosses is the input, activations and signals of the other units
/// (about a quarter of the bytes), at five spin barriers:
///
///   inputs:        worker w fills x for its share of the examples                      | barrier
///   hidden l:      s_l[:, U] = sigmoid(s_{l-1} W_l[U]^T + b_l[U])                       | barrier (not after the top one)
///   output:        o^w = s_L[:, U] W_out[:, U]^T, its units' share of the logits        | barrier
///   head:          per own example, o = sum_w o^w + b_out; dOut = (onehot(y) - p) / E  | barrier
///   backward l:    d_l[:, U] = s_l (1 - s_l) g_l[:, U] with g_L = dOut W_out[:, U];
///                  G(W_l)[U] = d_l[:, U]^T s_{l-1}; g_{l-1}^w = d_l[:, U] W_l[U], its units'
///                  share of the signal below                                           | barrier; g_{l-1} = sum_w g_{l-1}^w
///
/// (Raiko et al. 2014, section 3: the deterministic net is G3 with no noise; d = s (1 - s) g.)
/// Each worker reads only its own rows of W_l and columns of W_out after the barriers that
/// precede their use, so it takes its momentum step on them as soon as its gradient is known.
/// The partial sums are added in worker order: a thread count and a seed give the same bits.
/// Rows of activations are padded to whole cache lines and shares are whole lines: without
/// that, the two workers wrote into the same lines at every share and row boundary, and the
/// step took 1.04-1.08 times as long as the split by examples instead of 0.93-0.99 times.
internal sealed class UnitSplitStep : IShardedWork
{
    readonly NetworkShape shape;
    readonly int workers;
    readonly SpinBarrier barrier;
    // Every buffer starts on a cache line, rows of hidden units are padded to whole lines
    // (`ld`), and shares are whole lines: two workers never write within one line.
    readonly AlignedBuffer x;               // (E, n0) inputs
    readonly int[] ld;                      // per hidden layer: floats from one row to the next, 16k >= n_l
    readonly AlignedBuffer[] s;             // per hidden layer: (E, ld_l) s_l = sigmoid(a_l)
    readonly AlignedBuffer[] d;             // per hidden layer: (E, ld_l) d_l; worker w writes its units' columns
    readonly AlignedBuffer[] outputShare;   // per worker: (E, nY) its units' share of the logits
    readonly AlignedBuffer o, p, logW;      // (E, nY) logits, class probabilities; (E) log P(y | s)
    readonly AlignedBuffer dOut;            // (E, nY) G(o), already divided by E
    readonly AlignedBuffer[][] signalShare; // [layer parity][worker]: (E, ld) its units' share of g_l
    readonly int[] labels;                  // (E) classes (softmax head)
    readonly AlignedBuffer targets;         // (E, nY) 0/1 targets (Bernoulli head)
    readonly double[] criterion;            // per worker: sum of log P(y | s) over its examples
    readonly bool[] gradientFinite, parametersFinite;
    Exception? failure;

    // the call in progress
    Parameters theta = null!;
    Parameters gradient = null!;
    ExampleSet data = null!;
    int[] order = [];
    int start, count, epoch;
    ulong seed;
    float inputNoise;
    MomentumSgd? optimizer;
    float learningRate;

    public UnitSplitStep(NetworkShape shape, int workers, int capacity)
    {
        this.shape = shape;
        this.workers = workers;
        Capacity = capacity;
        barrier = new SpinBarrier(workers);
        int L = shape.HiddenLayerCount, nY = shape.Outputs;
        capacity = Line * ((capacity + Line - 1) / Line);
        x = new AlignedBuffer(capacity * shape.Inputs);
        ld = new int[L];
        s = new AlignedBuffer[L];
        d = new AlignedBuffer[L];
        for (int k = 0; k < L; k++)
        {
            ld[k] = Line * ((shape.Sizes[k + 1] + Line - 1) / Line);
            s[k] = new AlignedBuffer(capacity * ld[k]);
            d[k] = new AlignedBuffer(capacity * ld[k]);
        }
        int widest = ld.Max();
        outputShare = new AlignedBuffer[workers];
        for (int w = 0; w < workers; w++) outputShare[w] = new AlignedBuffer(capacity * nY);
        signalShare = new AlignedBuffer[2][];
        for (int parity = 0; parity < 2; parity++)
        {
            signalShare[parity] = new AlignedBuffer[workers];
            for (int w = 0; w < workers; w++) signalShare[parity][w] = new AlignedBuffer(capacity * widest);
        }
        o = new AlignedBuffer(capacity * nY);
        p = new AlignedBuffer(capacity * nY);
        logW = new AlignedBuffer(capacity);
        dOut = new AlignedBuffer(capacity * nY);
        labels = new int[capacity];
        targets = new AlignedBuffer(shape.Head == OutputHead.Bernoulli ? capacity * nY : 0);
        criterion = new double[workers];
        gradientFinite = new bool[workers];
        parametersFinite = new bool[workers];
    }

    /// Whether the step applies: the deterministic net, on more than one worker.
    public static bool AppliesTo(IGradientEstimator estimator, int workers) => !estimator.SamplesHidden && workers > 1;

    /// The most examples a call takes.
    public int Capacity { get; }
    /// Whether every entry of the last call's gradient is finite.
    public bool GradientIsFinite { get; private set; }
    /// Whether every parameter is finite after the last call's step (true when it took none).
    public bool ParametersAreFinite { get; private set; }

    /// Writes the mean gradient of examples `order[start .. start + count)` into `gradient` and,
    /// given an optimizer, takes its step on theta; returns the sum of their `log P(y | s)`.
    /// Inputs as `TrainingInput` gives them, as in `TrainingStep`.
    public double Run(WorkerPool pool, Parameters theta, Parameters gradient, ExampleSet data, int[] order, int start, int count,
                      int epoch, ulong seed, float inputNoise, MomentumSgd? optimizer, float learningRate)
    {
        if (pool.ThreadCount != workers) SfnnThrow.Argument("the pool has another number of workers than the step was made for", nameof(pool));
        if ((uint)count > (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(count));
        (this.theta, this.gradient, this.data, this.order, this.start, this.count, this.epoch) = (theta, gradient, data, order, start, count, epoch);
        (this.seed, this.inputNoise, this.optimizer, this.learningRate) = (seed, inputNoise, optimizer, learningRate);
        barrier.Reset();
        failure = null;
        try { pool.Run(this); }
        catch (OperationCanceledException) when (failure is not null) { ExceptionDispatchInfo.Throw(failure); }
        finally { this.optimizer = null; }
        GradientIsFinite = Array.IndexOf(gradientFinite, false) < 0;
        ParametersAreFinite = Array.IndexOf(parametersFinite, false) < 0;
        double total = 0;
        foreach (double c in criterion) total += c;
        return total;
    }

    void IShardedWork.Run(int w)
    {
        try { Step(w); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref failure, e, null);
            barrier.Break();
            throw;
        }
    }

    /// Floats per cache line: rows are padded to whole lines.
    const int Line = 16;

    /// Worker w's share of n units (or examples): whole 16-float blocks, as `WorkerPool.BlockShare` cuts them.
    (int Lo, int Hi) Share(int n, int w)
    {
        var (lo, length) = WorkerPool.BlockShare(n, w, workers);
        return (lo, lo + length);
    }

    void Step(int w)
    {
        int E = count, L = shape.HiddenLayerCount, nY = shape.Outputs;
        var (eLo, eHi) = Share(E, w);
        gradientFinite[w] = parametersFinite[w] = true;
        LoadExamples(eLo, eHi);
        barrier.SignalAndWait();

        // hidden layers: s_l[:, U] = sigmoid(s_{l-1} W_l[U]^T + b_l[U])
        for (int k = 0; k < L; k++)
        {
            int nBelow = shape.Sizes[k];
            var (lo, hi) = Share(shape.Sizes[k + 1], w);
            var own = s[k].Span[lo..];
            MatMul.Forward(Below(k), LdBelow(k), theta.W(k)[(lo * nBelow)..], nBelow, own, ld[k], E, nBelow, hi - lo);
            var bias = theta.Bias(k)[lo..hi];
            for (int e = 0; e < E; e++)
            {
                var row = own.Slice(e * ld[k], hi - lo);
                TensorPrimitives.Add(row, bias, row);
                Sigmoid.Compute(row, row);
            }
            if (k < L - 1) barrier.SignalAndWait();
        }

        // this worker's units' share of the logits
        int nL = shape.Sizes[L], ldL = ld[L - 1];
        var (top, topEnd) = Share(nL, w);
        var topStates = s[L - 1].Span[top..];
        MatMul.Forward(topStates, ldL, theta.W(L)[top..], nL, outputShare[w].Span, nY, E, topEnd - top, nY);
        barrier.SignalAndWait();

        criterion[w] = OutputSignal(eLo, eHi);
        barrier.SignalAndWait();

        // the output layer: G(W_out)[:, U] = dOut^T s_L[:, U]; g_L[:, U] = dOut W_out[:, U]
        var signal = dOut.Span[..(E * nY)];
        var topSignal = d[L - 1].Span[top..];
        MatMul.WeightGradient(signal, nY, topStates, ldL, gradient.W(L)[top..], nL, E, nY, topEnd - top, accumulate: false);
        MatMul.InputGradient(signal, nY, theta.W(L)[top..], nL, topSignal, ldL, E, nY, topEnd - top);
        for (int e = 0; e < E; e++)
        {
            var row = topSignal.Slice(e * ldL, topEnd - top);
            SigmoidSlope.Multiply(topStates.Slice(e * ldL, topEnd - top), row, row);
        }
        for (int j = 0; j < nY; j++) Step(w, theta.WeightOffset(L) + j * nL + top, topEnd - top);
        if (w == 0)
        {
            // b_out: every worker read it for its examples' logits before the last barrier
            var biasGradient = gradient.Bias(L);
            biasGradient.Clear();
            ColumnSum.Add(signal, E, nY, biasGradient);
            Step(w, theta.BiasOffset(L), nY);
        }

        // hidden layers, top down: G(W_l)[U] = d_l[:, U]^T s_{l-1}; g_{l-1}^w = d_l[:, U] W_l[U]
        for (int k = L - 1; k >= 0; k--)
        {
            int nBelow = shape.Sizes[k];
            var (lo, hi) = Share(shape.Sizes[k + 1], w);
            var dOwn = d[k].Span[lo..];
            var share = k > 0 ? signalShare[k & 1][w].Span : default;
            if (k > 0)
                MatMul.InputGradient(dOwn, ld[k], theta.W(k)[(lo * nBelow)..], nBelow, share, ld[k - 1], E, hi - lo, nBelow);
            MatMul.WeightGradient(dOwn, ld[k], Below(k), LdBelow(k), gradient.W(k)[(lo * nBelow)..], nBelow, E, hi - lo, nBelow, accumulate: false);
            var biasGradient = gradient.Bias(k)[lo..hi];
            biasGradient.Clear();
            ColumnSum.Add(dOwn, E, hi - lo, ld[k], biasGradient);
            Step(w, theta.WeightOffset(k) + lo * nBelow, (hi - lo) * nBelow);
            Step(w, theta.BiasOffset(k) + lo, hi - lo);
            if (k == 0) continue;

            barrier.SignalAndWait();
            // d_{l-1}[:, U'] = s (1 - s) sum_w g_{l-1}^w[:, U'], the shares added in worker order
            var (below, belowEnd) = Share(nBelow, w);
            int ldBelow = ld[k - 1], width = belowEnd - below;
            var shares = signalShare[k & 1];
            for (int e = 0; e < E; e++)
            {
                int at = e * ldBelow + below;
                var row = d[k - 1].AsSpan(at, width);
                shares[0].AsSpan(at, width).CopyTo(row);
                for (int v = 1; v < workers; v++) TensorPrimitives.Add(row, shares[v].AsSpan(at, width), row);
                SigmoidSlope.Multiply(s[k - 1].AsSpan(at, width), row, row);
            }
        }
    }

    /// The inputs of layer k's units, x or the hidden layer below, and their row stride.
    ReadOnlySpan<float> Below(int k) => k == 0 ? x.AsSpan(0, count * shape.Inputs) : s[k - 1].AsSpan(0, count * ld[k - 1]);
    int LdBelow(int k) => k == 0 ? shape.Inputs : ld[k - 1];

    /// Examples `[eLo, eHi)` of the minibatch into x, with their noise, labels and targets.
    void LoadExamples(int eLo, int eHi)
    {
        int n0 = shape.Inputs, nY = shape.Outputs;
        for (int e = eLo; e < eHi; e++)
        {
            int index = order[start + e];
            TrainingInput.Load(data, index, seed, epoch, inputNoise, x.AsSpan(e * n0, n0), next: e + 1 < eHi ? order[start + e + 1] : -1);
            if (data.Labels is not null) labels[e] = data.Labels[index];
            if (data.Targets is not null) data.Target(index).CopyTo(targets.AsSpan(e * nY, nY));
        }
    }

    /// For examples `[eLo, eHi)`: o = sum of the workers' shares + b_out, log P(y | s) and
    /// dOut = (d log P / do) / E (Raiko et al. 2014, eq. (15)-(17) with M = 1); returns their log P sum.
    double OutputSignal(int eLo, int eHi)
    {
        int nY = shape.Outputs, rows = eHi - eLo;
        var oRows = o.AsSpan(eLo * nY, rows * nY);
        outputShare[0].AsSpan(eLo * nY, rows * nY).CopyTo(oRows);
        for (int v = 1; v < workers; v++) TensorPrimitives.Add(oRows, outputShare[v].AsSpan(eLo * nY, rows * nY), oRows);
        BiasAdd.AddToRows(oRows, rows, theta.Bias(shape.LayerCount - 1));
        float scale = 1f / count;
        double sum = 0;
        if (shape.Head == OutputHead.Softmax)
        {
            var logLabel = logW.AsSpan(eLo, rows);
            SoftmaxRows.Compute(oRows, rows, nY, labels.AsSpan(eLo, rows), 1, p.AsSpan(eLo * nY, rows * nY), logLabel);
            for (int e = eLo; e < eHi; e++)
            {
                // softmax: d log P / do = onehot(y) - softmax(o)
                SoftmaxRows.Signal(p.AsSpan(e * nY, nY), labels[e], scale, dOut.AsSpan(e * nY, nY));
                sum += logLabel[e - eLo];
            }
        }
        else
            for (int e = eLo; e < eHi; e++)
            {
                // Bernoulli: d log P / do = y - sigmoid(o)
                var oRow = o.AsSpan(e * nY, nY);
                var yRow = targets.AsSpan(e * nY, nY);
                sum += BernoulliLogLikelihood.Compute(oRow, yRow);
                BernoulliLogLikelihood.Gradient(oRow, yRow, scale, dOut.AsSpan(e * nY, nY));
            }
        return sum;
    }

    /// Checks the gradient of parameters `[first, first + length)` and, with an optimizer, steps them.
    void Step(int w, int first, int length)
    {
        var g = gradient.Data.AsSpan(first, length);
        if (g.IsEmpty) return;
        bool finite;
        if (optimizer is null) finite = float.IsFinite(TensorPrimitives.MaxMagnitude(g));
        else if (!optimizer.StepRange(first, g, learningRate, out finite)) parametersFinite[w] = false;
        if (!finite) gradientFinite[w] = false;
    }
}
