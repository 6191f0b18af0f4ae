using SimdSfnn.Nn.Gated;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Gated;

/// The conditional computation is the same computation: the expert layer and the output map over
/// the active gates only (`GatedLayers.Sparse*`) give the dense products' numbers, forward and
/// backward, to float rounding, for fractions of gates on from none to all, on every kernel path.
[Collection(nameof(KernelIsaCollection))]
public sealed class GatedLayersTests
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    [Theory, MemberData(nameof(Isas))]
    public void Sparse_forward_and_backward_equal_the_dense_products(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        foreach (double on in new[] { 0.0, 0.03, 0.1, 0.5, 1.0 })
            foreach (int B in new[] { 1, 5, 16 })
                Check(GatedTestNets.Shape, on, B, seed: B + (int)(on * 100));
        // wide enough for the Vector512 kernels' 256-float slices and a vector left over
        foreach (double on in new[] { 0.1, 0.6 })
            Check(new GatedShape(531, 7, 45, 10), on, 33, seed: 7 + (int)(on * 100));
    }

    static void Check(GatedShape shape, double fraction, int B, int seed)
    {
        int D = shape.Inputs, G = shape.Gates, C = shape.Classes;
        var theta = GatedTestNets.RandomParameters(shape, seed);
        var random = new Random(seed);
        float[] Fill(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() - 0.5) * scale)).ToArray();
        var x = Fill(B * D, 2);
        var h = new float[B * G];
        for (int i = 0; i < h.Length; i++)
            if (random.NextDouble() < fraction) h[i] = 0.05f + (float)random.NextDouble();
        var go = Fill(B * C, 1);

        var active = new ActiveGates(B, G);
        active.Build(h, B);
        Assert.Equal(h.Count(v => v != 0), active.Count);
        var sparseO = new float[B * C];
        var sparseGh = new float[B * G];
        var sparse = new GatedParameters(shape);
        GatedLayers.SparseForward(x, B, active, theta, sparseO);
        var sparseH = new float[B * G];
        for (int i = 0; i < G; i++)
            for (int p = active.GateStart[i]; p < active.GateEnd[i]; p++) sparseH[active.GateRows[p] * G + i] = active.Expert[p];
        GatedLayers.SparseBackward(x, B, active, go, theta, sparse, sparseGh);

        var denseH = new float[B * G];
        var m = new float[B * G];
        var denseO = new float[B * C];
        var gm = new float[B * G];
        var denseGh = new float[B * G];
        var dense = new GatedParameters(shape);
        GatedLayers.DenseForward(x, h, B, theta, denseH, m, denseO);
        GatedLayers.DenseBackward(x, h, denseH, m, go, B, theta, dense, gm, denseGh);

        Close(denseO, sparseO, "o");
        // straight-through's training: H at every gate computed densely, gathered at the active pairs
        var gatheredO = new float[B * C];
        GatedLayers.SparseForward(x, B, active, theta, gatheredO, denseH);
        Close(denseO, gatheredO, "o from every H");
        for (int i = 0; i < h.Length; i++)
            if (h[i] != 0)
            {
                Close(denseH[i], sparseH[i], "H");
                Close(denseGh[i], sparseGh[i], "gh");
            }
        Close(dense.We.ToArray(), sparse.We.ToArray(), "G(We)");
        Close(dense.Be.ToArray(), sparse.Be.ToArray(), "G(be)");
        Close(dense.V.ToArray(), sparse.V.ToArray(), "G(V)");
        Close(dense.Bo.ToArray(), sparse.Bo.ToArray(), "G(bo)");
        // only the active gates' expert weights get gradient
        for (int i = 0; i < G; i++)
            if (active.Rows(i).IsEmpty) Assert.All(sparse.We.Slice(i * D, D).ToArray(), v => Assert.Equal(0f, v));
    }

    static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], $"{what}[{i}]");
    }

    static void Close(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5f + 1e-4f * Math.Abs(expected), $"{what}: dense {expected}, sparse {actual}");
}
