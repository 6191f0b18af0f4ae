// The matrix products of one G3 M=20 training step of 784-200-200-10 (minibatch B = 100, so
// R = B * M = 2000 sample rows) on one thread, with GFLOP/s (an FMA counts two), beside the
// one-thread FMA peak measured the same way. The sums of selected rows are timed on 0/1 inputs
// at density 1/2 and 1/5, and the second layer's forward from differences at 0.19, all quoted in
// dense-equivalent GFLOP/s.
using BenchmarkDotNet.Attributes;
using SimdSfnn.Tensors;

namespace SimdSfnn.Benches;

public class Products
{
    const int B = 100, R = 2000, D = 784, H = 200, Y = 10;
    float[] x = [], w1 = [], s1 = [], h = [], w2 = [], a2 = [], w3 = [], o = [], dOut = [], d2 = [], g = [], gW1 = [], gW2 = [], gW3 = [], d2Sum = [], d1 = [], wT = [];
    NonzeroLists half = null!, fifth = null!;
    PackedWeights w1Packed = null!;
    float[] reference = [], referenceRows = [];
    DifferenceLists differences = null!;

    [GlobalSetup]
    public void Setup()
    {
        KernelIsa.Current = KernelIsa.Default; // SFNN_FORCE_KERNEL picks the path to measure
        var random = new Random(5);
        float[] Values(int n) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)(random.NextDouble() * 2 - 1); return v; }
        x = Values(B * D); w1 = Values(H * D); s1 = new float[B * H];
        w1Packed = new PackedWeights(D, H);
        MatMul.PackForward(w1, w1Packed);
        h = new float[R * H];
        for (int i = 0; i < h.Length; i++) h[i] = random.Next(2);
        var sparse = new float[R * H];
        for (int i = 0; i < sparse.Length; i++) sparse[i] = random.Next(5) == 0 ? 1 : 0;
        w2 = Values(H * H); a2 = new float[R * H]; w3 = Values(Y * H); o = new float[R * Y];
        dOut = Values(R * Y); d2 = Values(R * H); g = new float[R * H];
        gW1 = new float[H * D]; gW2 = new float[H * H]; gW3 = new float[Y * H]; d2Sum = Values(B * H); d1 = Values(B * H);
        wT = Values(H * H);
        half = new NonzeroLists(R, H);
        half.Build(h, R, H);
        half.ListColumns();
        fifth = new NonzeroLists(R, H);
        fifth.Build(sparse, R, H);
        reference = new float[B * H];
        for (int i = 0; i < reference.Length; i++) reference[i] = random.Next(2);
        var flipped = new float[R * H];
        for (int i = 0; i < flipped.Length; i++)
        {
            float expected = reference[i / H / (R / B) * H + i % H];
            flipped[i] = random.NextDouble() < 0.19 ? 1 - expected : expected;
        }
        referenceRows = new float[B * H];
        differences = new DifferenceLists(R, H);
        differences.Build(flipped, reference, R, H, R / B);
    }

    /// The machine's peak on one thread: 12 independent FMA chains, no memory traffic.
    [Benchmark, Flops(2.0 * FmaChains.FmasPerIteration * PeakIterations)]
    public float FmaPeak_one_thread() => FmaChains.Run(PeakIterations);

    const int PeakIterations = 1_000_000;

    [Benchmark, Flops(2.0 * B * D * H)] public void Forward_x784_to_200_B100() => MatMul.Forward(x, w1, s1, B, D, H);
    /// The first layer as a training step runs it: W_1 packed once per step (WeightLayouts) and shared.
    [Benchmark, Flops(2.0 * B * D * H)] public void Forward_x784_to_200_B100_prepacked() => MatMul.Forward(x, w1Packed, s1, B);
    [Benchmark, Flops(2.0 * R * H * H)] public void Forward_h200_to_200_R2000() => MatMul.Forward(h, w2, a2, R, H, H);
    [Benchmark, Flops(2.0 * R * H * Y)] public void Forward_h200_to_10_R2000() => MatMul.Forward(h, w3, o, R, H, Y);
    [Benchmark, Flops(2.0 * R * Y * H)] public void InputGradient_10_to_200_R2000() => MatMul.InputGradient(dOut, w3, g, R, Y, H);
    [Benchmark, Flops(2.0 * R * H * H)] public void InputGradient_200_to_200_R2000() => MatMul.InputGradient(d2, w2, g, R, H, H);
    [Benchmark, Flops(2.0 * B * H * H)] public void InputGradient_200_to_200_B100() => MatMul.InputGradient(d2Sum, w2, g.AsSpan(0, B * H), B, H, H);
    [Benchmark, Flops(2.0 * R * Y * H)] public void WeightGradient_10x200_R2000() => MatMul.WeightGradient(dOut, h, gW3, R, Y, H);
    [Benchmark, Flops(2.0 * R * H * H)] public void WeightGradient_200x200_R2000() => MatMul.WeightGradient(d2, h, gW2, R, H, H);
    [Benchmark, Flops(2.0 * B * H * D)] public void WeightGradient_200x784_B100() => MatMul.WeightGradient(d1, x, gW1, B, H, D);

    /// The second layer's forward as the step runs it: E = 100 reference rows dense, then the
    /// signed gather over the 19% of entries where h differs from them (dense-equivalent GFLOP/s).
    [Benchmark, Flops(2.0 * R * H * H)]
    public void Differences_Forward_200_to_200_R2000()
    {
        MatMul.Forward(reference, w2, referenceRows, B, H, H);
        SignedRowSum.Sum(differences, wT, H, a2, H, H, initial: referenceRows, rowsPerInitial: R / B);
    }

    [Benchmark, Flops(2.0 * R * H * H)]
    public void SelectedRows_Forward_200_to_200_R2000_half() =>
        SelectedRowSum.Sum(half.RowIndex, half.RowStart, half.RowEnd, wT, H, a2, H, H, accumulate: false);

    [Benchmark, Flops(2.0 * R * H * H)]
    public void SelectedRows_Forward_200_to_200_R2000_fifth() =>
        SelectedRowSum.Sum(fifth.RowIndex, fifth.RowStart, fifth.RowEnd, wT, H, a2, H, H, accumulate: false);

    [Benchmark, Flops(2.0 * R * H * H)]
    public void SelectedRows_WeightGradient_200x200_R2000_half() =>
        SelectedRowSum.Sum(half.ColumnIndex, half.ColumnStart, half.ColumnEnd, d2, H, gW2, H, H, accumulate: false);
}
