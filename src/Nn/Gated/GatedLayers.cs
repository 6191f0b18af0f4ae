using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gated;

// GatedLayers: the expert layer and the output map of the gated classifier,
//   H = We x + be (Gates linear units), m = H * h (gated), o = V^T m + bo,
// and their backward pass from go = dL/do. Two ways to compute the same numbers:
//   Sparse*   only the active (row, gate) pairs (h != 0), gate by gate (`ActiveGates`): H_ri =
//             We[i, :] . x_r, o_r += m_ri V[i, :], and back: gm_ri = V[i, :] . go_r, G(We)[i, :] +=
//             gm_ri h_ri x_r. Costs (D + C) per active pair forward, (2D + 2C) backward: the
//             conditional computation of 1308.3432 section 5.
//   Dense*    every gate, by MatMul over the whole batch: the baseline the sparse path is held to
//             (tests) and timed against (`sfnn bench --task gated`).
// Hand-written: a gather of weight rows by a per-row index list is not a TensorPrimitives op;
// its dot products and axpys are (`Dot`, `MultiplyAdd`).
// Shapes: x (B, D); h, H (B, G); We (G, D); V (G, C); o, go (B, C).
internal static class GatedLayers
{
    /// `B` rows, active gates only: for every gate i and row r that `active` lists,
    /// `H[r, i] = We[i] . x[r] + be[i]`, and `o[r] = bo + sum_i H[r, i] h[r, i] V[i]`; `H` is left
    /// alone at the other gates.
    public static void SparseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int B, ActiveGates active, GatedParameters theta,
                                     Span<float> H, Span<float> o)
    {
        int D = theta.Shape.Inputs, G = theta.Shape.Gates, C = theta.Shape.Classes;
        ReadOnlySpan<float> We = theta.We, be = theta.Be, V = theta.V, bo = theta.Bo;
        for (int r = 0; r < B; r++) bo.CopyTo(o.Slice(r * C, C));
        Span<float> dots = stackalloc float[4];
        for (int i = 0; i < G; i++)
        {
            var rows = active.Rows(i);
            if (rows.IsEmpty) continue;
            ReadOnlySpan<float> Wei = We.Slice(i * D, D), Vi = V.Slice(i * C, C);
            int t = 0;
            for (; t + 4 <= rows.Length; t += 4)
            {
                // four rows per sweep of We[i]: a quarter of the loads, four independent FMA chains
                RowKernels.Dot4(Wei, x.Slice(rows[t] * D, D), x.Slice(rows[t + 1] * D, D), x.Slice(rows[t + 2] * D, D),
                                x.Slice(rows[t + 3] * D, D), dots);
                for (int u = 0; u < 4; u++) Emit(rows[t + u], dots[u] + be[i], i, G, C, h, Vi, H, o);
            }
            for (; t < rows.Length; t++) Emit(rows[t], TensorPrimitives.Dot(Wei, x.Slice(rows[t] * D, D)) + be[i], i, G, C, h, Vi, H, o);
        }
    }

    static void Emit(int r, float Hri, int i, int G, int C, ReadOnlySpan<float> h, ReadOnlySpan<float> Vi, Span<float> H, Span<float> o)
    {
        H[r * G + i] = Hri;
        var or = o.Slice(r * C, C);
        TensorPrimitives.MultiplyAdd(Vi, Hri * h[r * G + i], or, or);
    }

    /// The backward of `SparseForward` from `go = dL/do` (B, C), adding into `gradient` (dL/dtheta):
    /// `G(bo) += sum_r go[r]`, and per active (r, i): `gm = V[i] . go[r]`, `G(V)[i] += H h go[r]`,
    /// `G(We)[i] += gm h x[r]`, `G(be)[i] += gm h`, and `gh[r, i] = gm H` (dL/dh); `gh` is left alone elsewhere.
    public static void SparseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int B, ActiveGates active, ReadOnlySpan<float> H,
                                      ReadOnlySpan<float> go, GatedParameters theta, GatedParameters gradient, Span<float> gh)
    {
        int D = theta.Shape.Inputs, G = theta.Shape.Gates, C = theta.Shape.Classes;
        ReadOnlySpan<float> V = theta.V;
        Span<float> gWe = gradient.We, gbe = gradient.Be, gV = gradient.V, gbo = gradient.Bo;
        for (int r = 0; r < B; r++) TensorPrimitives.Add(gbo, go.Slice(r * C, C), gbo);
        Span<float> gHs = stackalloc float[4];
        for (int i = 0; i < G; i++)
        {
            var rows = active.Rows(i);
            if (rows.IsEmpty) continue;
            ReadOnlySpan<float> Vi = V.Slice(i * C, C);
            Span<float> gVi = gV.Slice(i * C, C), gWei = gWe.Slice(i * D, D);
            int t = 0;
            for (; t < rows.Length; t++)
            {
                int r = rows[t];
                var gor = go.Slice(r * C, C);
                float Hri = H[r * G + i], hri = h[r * G + i], gm = TensorPrimitives.Dot(Vi, gor);
                TensorPrimitives.MultiplyAdd(gor, Hri * hri, gVi, gVi);
                float gH = gm * hri;
                gbe[i] += gH;
                gh[r * G + i] = gm * Hri;
                gHs[t & 3] = gH;
                // G(We)[i] += sum of four rows' gH x per sweep of it: a quarter of its loads and stores
                if ((t & 3) == 3)
                    RowKernels.Axpy4(gHs, x.Slice(rows[t - 3] * D, D), x.Slice(rows[t - 2] * D, D), x.Slice(rows[t - 1] * D, D), x.Slice(r * D, D), gWei);
            }
            for (int u = rows.Length & ~3; u < rows.Length; u++)
                TensorPrimitives.MultiplyAdd(x.Slice(rows[u] * D, D), gHs[u & 3], gWei, gWei);
        }
    }

    /// Every gate of `B` rows: `H = x We^T + be` (B, G), `m = H * h`, `o = m V + bo` (B, C).
    public static void DenseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int B, GatedParameters theta,
                                    Span<float> H, Span<float> m, Span<float> o)
    {
        var s = theta.Shape;
        int D = s.Inputs, G = s.Gates, C = s.Classes;
        MatMul.Forward(x[..(B * D)], theta.We, H[..(B * G)], B, D, G);
        for (int r = 0; r < B; r++) TensorPrimitives.Add(H.Slice(r * G, G), theta.Be, H.Slice(r * G, G));
        TensorPrimitives.Multiply(H[..(B * G)], h[..(B * G)], m[..(B * G)]);
        MatMul.InputGradient(m[..(B * G)], theta.V, o[..(B * C)], B, G, C);
        for (int r = 0; r < B; r++) TensorPrimitives.Add(o.Slice(r * C, C), theta.Bo, o.Slice(r * C, C));
    }

    /// The backward of `DenseForward`, adding into `gradient`; `gm` (B, G) is scratch, and
    /// `gh = gm * H` (B, G) is dL/dh at every gate.
    public static void DenseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, ReadOnlySpan<float> H, ReadOnlySpan<float> m,
                                     ReadOnlySpan<float> go, int B, GatedParameters theta, GatedParameters gradient,
                                     Span<float> gm, Span<float> gh)
    {
        var s = theta.Shape;
        int D = s.Inputs, G = s.Gates, C = s.Classes;
        var gmB = gm[..(B * G)];
        MatMul.Forward(go[..(B * C)], theta.V, gmB, B, C, G);
        TensorPrimitives.Multiply(gmB, H[..(B * G)], gh[..(B * G)]);
        MatMul.WeightGradient(m[..(B * G)], go[..(B * C)], gradient.V, B, G, C);
        TensorPrimitives.Multiply(gmB, h[..(B * G)], gmB); // now gH = gm * h
        MatMul.WeightGradient(gmB, x[..(B * D)], gradient.We, B, G, D);
        for (int r = 0; r < B; r++)
        {
            TensorPrimitives.Add(gradient.Be, gmB.Slice(r * G, G), gradient.Be);
            TensorPrimitives.Add(gradient.Bo, go.Slice(r * C, C), gradient.Bo);
        }
    }
}
