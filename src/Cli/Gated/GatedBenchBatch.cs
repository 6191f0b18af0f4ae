using SimdSfnn.Nn.Gated;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Gated;

/// One batch of `sfnn bench --task gated`: `B` rows of random inputs (80% zeros, as MNIST's pixels
/// mostly are), a fraction of each row's gates forced on at random with values in (0, 1], a random
/// `dL/do`, and the buffers of the sparse and the dense gated layers over them.
internal sealed class GatedBenchBatch
{
    readonly AlignedBuffer x; // as GatedPass holds its rows
    readonly float[] h, go, o, H, m, gm, gh;
    readonly ActiveGates active;

    public GatedBenchBatch(GatedShape shape, int B, int on, int seed)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int D = shape.Inputs, G = shape.Gates, C = shape.Classes;
        Rows = B;
        var random = new Random(seed);
        x = new AlignedBuffer(B * D);
        var xs = x.Span;
        for (int i = 0; i < xs.Length; i++) xs[i] = random.NextDouble() < 0.8 ? 0 : (float)random.NextDouble();
        h = new float[B * G];
        var pick = Enumerable.Range(0, G).ToArray();
        for (int r = 0; r < B; r++)
        {
            random.Shuffle(pick);
            foreach (int i in pick.AsSpan(0, on)) h[r * G + i] = 1f - (float)random.NextDouble();
        }
        go = new float[B * C];
        for (int i = 0; i < go.Length; i++) go[i] = (float)(random.NextDouble() - 0.5);
        o = new float[B * C];
        H = new float[B * G];
        m = new float[B * G];
        gm = new float[B * G];
        gh = new float[B * G];
        active = new ActiveGates(B, G);
    }

    public int Rows { get; }

    /// The lists are built in every call: the sparse path's own overhead.
    public void SparseForward(GatedParameters theta)
    {
        active.Build(h, Rows);
        GatedLayers.SparseForward(x.Span, Rows, active, theta, o);
    }

    public void SparseStep(GatedParameters theta, GatedParameters gradient)
    {
        SparseForward(theta);
        GatedLayers.SparseBackward(x.Span, Rows, active, go, theta, gradient, gh);
    }

    /// `packedWe`: We packed once beforehand, as a test-time net's fixed weights can be; else
    /// MatMul packs it as it goes, as a training step's must.
    public void DenseForward(GatedParameters theta, PackedWeights? packedWe = null) =>
        GatedLayers.DenseForward(x.Span, h, Rows, theta, H, m, o, packedWe);

    public void DenseStep(GatedParameters theta, GatedParameters gradient)
    {
        DenseForward(theta);
        GatedLayers.DenseBackward(x.Span, h, H, m, go, Rows, theta, gradient, gm, gh);
    }
}
