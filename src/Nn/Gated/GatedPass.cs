using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gated;

/// One worker's forward and backward pass of the gated classifier over up to `Capacity` rows.
/// The gater path is dense (MatMul over the rows); the expert layer and the output map run over
/// each row's active gates only (`GatedLayers.Sparse*`). Every buffer is sized here, once.
/// Shapes: x (R, D); a1, t (R, Hd); a2, noise, h, p (R, G); active lists (R, G); o, probs (R, C).
internal sealed class GatedPass
{
    readonly GatedShape shape;
    readonly Gater gater;
    readonly float[] a1, t, a2, noise, h, p, probs, gh, d2, gt, expertAll, gm, rowLoss;
    readonly AlignedBuffer x; // rows on cache lines: the sparse layers load each x row once per active gate
    readonly ActiveGates active;
    readonly int[] labels;
    readonly RandomStream[] streams;

    public GatedPass(GatedShape shape, Gater gater, int capacity)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(gater);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.shape = shape;
        this.gater = gater;
        Capacity = capacity;
        int R = capacity, D = shape.Inputs, Hd = shape.Hidden, G = shape.Gates, C = shape.Classes;
        x = new AlignedBuffer(R * D);
        a1 = new float[R * Hd];
        t = new float[R * Hd];
        gt = new float[R * Hd];
        a2 = new float[R * G];
        noise = new float[R * G];
        h = new float[R * G];
        p = new float[R * G];
        gh = new float[R * G];
        d2 = new float[R * G];
        bool every = gater.NeedsEveryExpert;
        expertAll = every ? new float[R * G] : [];
        gm = every ? new float[R * G] : [];
        probs = new float[R * C];
        active = new ActiveGates(R, G);
        labels = new int[R];
        rowLoss = new float[R];
        BaselineStatistics = gater.LikelihoodRatio ? new float[2 * G] : [];
        streams = new RandomStream[R];
        GateMeanSum = new float[G];
    }

    public int Capacity { get; }
    /// True: a training forward reuses the last one's noise (`IHiddenUnit.Output`) instead of drawing
    /// it; finite differences with the noise held (STS's `b` would otherwise flip with `a`).
    public bool HoldNoise { get; set; }
    /// True: the test-time gates above the threshold are 1, not `E[h | a]` (`Gater.TestGate`).
    public bool BinaryTestGates { get; set; }
    /// True: the KL penalty's statistic is `P(h > 0) = sqrt(p)` (sts), held in the `p` buffer, not `p`.
    public bool KlOnNonzero { get; set; }
    /// The weights packed from the theta the next passes use (`GatedLayouts.Prepare`), or null to multiply by theta itself.
    public GatedLayouts? Layouts { get; set; }
    /// After a training forward: `sum_r E[h_ri | a]` over this pass's rows (the KL penalty's batch mean, before the division).
    public float[] GateMeanSum { get; }
    /// reinforce only, after a backward: this pass's `sum (h - p)^2 L` per gate, then `sum (h - p)^2`
    /// (`Gater.LikelihoodRatioSignal`), which the step folds into the moving baseline.
    public float[] BaselineStatistics { get; }
    /// After a forward: how many gates were non-zero over all rows.
    public long GatesOn { get; private set; }
    /// After a forward: how many rows the arg-max of the softmax got right.
    public int Correct { get; private set; }

    public Span<float> Input(int row) => x.AsSpan(row * shape.Inputs, shape.Inputs);
    public ref RandomStream Stream(int row) => ref streams[row];
    public ref int Label(int row) => ref labels[row];
    /// Row `row`'s gate noise (for the binary gaters the uniforms `u` of `h = 1[u < p]`): what the
    /// next forward reuses when `HoldNoise` is set.
    public Span<float> Noise(int row) => noise.AsSpan(row * shape.Gates, shape.Gates);
    /// Row `row`'s gate values after a forward.
    public ReadOnlySpan<float> Gates(int row) => h.AsSpan(row * shape.Gates, shape.Gates);
    /// Row `row`'s softmax after a forward.
    public ReadOnlySpan<float> Probabilities(int row) => probs.AsSpan(row * shape.Classes, shape.Classes);

    /// The forward pass of `rows` rows; returns their summed cross-entropy. `training`: the gates
    /// are sampled from each row's stream; else deterministic, `E[h | a]` with the gates below
    /// `threshold` off. `gatesOnly`: stop once the gates are known (the threshold's tuning).
    public double Forward(GatedParameters theta, int rows, bool training, float threshold = 0f, bool gatesOnly = false)
    {
        var layouts = Layouts;
        if (rows < 1 || rows > Capacity) SfnnThrow.Argument($"{rows} rows do not fit a pass of {Capacity}", nameof(rows));
        int D = shape.Inputs, Hd = shape.Hidden, G = shape.Gates, C = shape.Classes;
        // gater: a1 = x W1^T + b1, t = tanh(a1), a2 = t W2^T + b2
        GatedLayouts.Forward(x.AsSpan(0, rows * D), layouts?.W1, theta.W1, a1.AsSpan(0, rows * Hd), rows, D, Hd);
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(a1.AsSpan(r * Hd, Hd), theta.B1, a1.AsSpan(r * Hd, Hd));
        TensorPrimitives.Tanh(a1.AsSpan(0, rows * Hd), t.AsSpan(0, rows * Hd));
        GatedLayouts.Forward(t.AsSpan(0, rows * Hd), layouts?.W2, theta.W2, a2.AsSpan(0, rows * G), rows, Hd, G);
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(a2.AsSpan(r * G, G), theta.B2, a2.AsSpan(r * G, G));

        if (training) Array.Clear(GateMeanSum);
        for (int r = 0; r < rows; r++)
        {
            var ar = a2.AsSpan(r * G, G);
            var hr = h.AsSpan(r * G, G);
            if (training)
            {
                if (HoldNoise) gater.Unit.Output(ar, noise.AsSpan(r * G, G), hr);
                else gater.Unit.Sample(ar, ref streams[r], noise.AsSpan(r * G, G), hr);
                var pr = p.AsSpan(r * G, G);
                TensorPrimitives.Sigmoid(ar, pr);
                if (KlOnNonzero) TensorPrimitives.Sqrt(pr, pr); // q is the mean of P(h > 0) = sqrt(p)
                TensorPrimitives.Add(GateMeanSum, pr, GateMeanSum);
            }
            else gater.TestGate(ar, threshold, hr, BinaryTestGates && !gatesOnly); // the threshold's tuning needs E[h | a]
        }
        active.Build(h.AsSpan(0, rows * G), rows);
        GatesOn = active.Count;
        if (gatesOnly) return 0;

        // experts and output map over the active gates; st's training also needs H at the off gates,
        // so it computes every expert densely and the sparse layers gather the active ones from it
        bool every = training && gater.NeedsEveryExpert;
        if (every)
        {
            GatedLayouts.Forward(x.AsSpan(0, rows * D), layouts?.We, theta.We, expertAll.AsSpan(0, rows * G), rows, D, G);
            for (int r = 0; r < rows; r++) TensorPrimitives.Add(expertAll.AsSpan(r * G, G), theta.Be, expertAll.AsSpan(r * G, G));
        }
        GatedLayers.SparseForward(x.AsSpan(0, rows * D), rows, active, theta, probs.AsSpan(0, rows * C),
                                  every ? expertAll.AsSpan(0, rows * G) : default);
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < rows; r++)
        {
            var o = probs.AsSpan(r * C, C);
            if (TensorPrimitives.IndexOfMax(o) == labels[r]) correct++;
            float max = TensorPrimitives.Max(o);
            TensorPrimitives.Subtract(o, max, o);
            TensorPrimitives.Exp(o, o);
            float sum = TensorPrimitives.Sum(o);
            double rowCrossEntropy = -Math.Log(Math.Max(o[labels[r]] / sum, 1e-30f));
            rowLoss[r] = (float)rowCrossEntropy;
            loss += rowCrossEntropy;
            TensorPrimitives.Multiply(o, 1 / sum, o);
        }
        Correct = correct;
        return loss;
    }

    /// The backward pass of the last training forward, adding the summed `dL/dtheta` of its rows to
    /// `gradient`. The sparsity penalties: `klSlope[i]` (KL gaters: `dKL/dq_i`, times `penalty`,
    /// reaches `a_ri` through `p_ri (1 - p_ri)`), or the L1 weight `penalty` added to every `dL/dh`.
    /// `baseline`: reinforce's `Lbar` per gate (empty for the other gaters).
    public void Backward(GatedParameters theta, int rows, GatedParameters gradient, ReadOnlySpan<float> klSlope, float penalty,
                         ReadOnlySpan<float> baseline = default)
    {
        int D = shape.Inputs, Hd = shape.Hidden, G = shape.Gates, C = shape.Classes;
        if (gater.LikelihoodRatio && baseline.Length != G) SfnnThrow.Argument($"reinforce needs a baseline per gate, {G}, not {baseline.Length}", nameof(baseline));
        for (int r = 0; r < rows; r++) probs[r * C + labels[r]] -= 1f; // go = softmax - onehot
        var go = probs.AsSpan(0, rows * C);
        if (gater.NeedsEveryExpert)
        {
            // straight-through's g = gm H at every gate, gm = go V^T
            MatMul.Forward(go, theta.V, gm.AsSpan(0, rows * G), rows, C, G);
            TensorPrimitives.Multiply(gm.AsSpan(0, rows * G), expertAll.AsSpan(0, rows * G), gh.AsSpan(0, rows * G));
        }
        else Array.Clear(gh, 0, rows * G);
        GatedLayers.SparseBackward(x.AsSpan(0, rows * D), rows, active, go, theta, gradient, gh);
        Array.Clear(BaselineStatistics); // reinforce's, summed over this pass's rows below
        for (int r = 0; r < rows; r++)
        {
            var ghr = gh.AsSpan(r * G, G);
            var ar = a2.AsSpan(r * G, G);
            var dr = d2.AsSpan(r * G, G);
            if (gater.LikelihoodRatio)
            {
                Gater.LikelihoodRatioSignal(h.AsSpan(r * G, G), p.AsSpan(r * G, G), rowLoss[r], baseline, dr, BaselineStatistics);
            }
            else
            {
                if (!gater.KlPenalty) TensorPrimitives.Add(ghr, penalty, ghr);
                gater.Signal(ar, noise.AsSpan(r * G, G), ghr, dr);
            }
            if (gater.KlPenalty && KlOnNonzero) Gater.AddRootSlopeTerm(p.AsSpan(r * G, G), klSlope, penalty, dr);
            else if (gater.KlPenalty) Gater.AddSigmoidSlopeTerm(p.AsSpan(r * G, G), klSlope, penalty, dr);
            TensorPrimitives.Add(gradient.B2, dr, gradient.B2);
        }
        // gater: G(W2) += d2^T t, gt = d2 W2, ga1 = gt (1 - t^2), G(W1) += ga1^T x
        MatMul.WeightGradient(d2.AsSpan(0, rows * G), t.AsSpan(0, rows * Hd), gradient.W2, rows, G, Hd);
        if (Layouts?.W2T is { } w2T) MatMul.Forward(d2.AsSpan(0, rows * G), w2T, gt.AsSpan(0, rows * Hd), rows);
        else MatMul.InputGradient(d2.AsSpan(0, rows * G), theta.W2, gt.AsSpan(0, rows * Hd), rows, G, Hd);
        for (int i = 0; i < rows * Hd; i++) gt[i] *= 1 - t[i] * t[i];
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(gradient.B1, gt.AsSpan(r * Hd, Hd), gradient.B1);
        MatMul.WeightGradient(gt.AsSpan(0, rows * Hd), x.AsSpan(0, rows * D), gradient.W1, rows, Hd, D);
    }
}
