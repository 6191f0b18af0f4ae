using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gated;

// GatedLayers: the expert layer and the output map of the gated classifier,
//   H = We x + be (Gates linear units), m = H * h (gated), o = V^T m + bo,
// and their backward pass from go = dL/do. Two ways to compute the same numbers:
//   Sparse*   only the active (row, gate) pairs (h != 0), listed by `ActiveGates`, which also holds
//             their h and H: gate by gate, H_ri = We[i] . x_r (`SelectedRowDot`), and back
//             G(We)[i] += sum_r gm_ri h_ri x_r, G(V)[i] += sum_r m_ri go_r (`WeightedRowSum`); row
//             by row, o_r += sum_i m_ri V[i] (`WeightedRowSum`) and gm_ri = V[i] . go_r
//             (`SelectedRowDot`). Costs (D + C) per active pair forward, (2D + 2C) backward: the
//             conditional computation of 1308.3432 section 5.
//   Dense*    every gate, by MatMul over the whole batch: the baseline the sparse path is held to
//             (tests) and timed against (`sfnn bench --task gated`).
// Shapes: x (B, D); h, H (B, G); We (G, D); V (G, C); o, go (B, C).
internal static class GatedLayers
{
    /// `B` rows, active gates only: for every pair (r, i) that `active` lists, `H_ri = We[i] . x[r] +
    /// be[i]` into `active.Expert`, and `o[r] = bo + sum_i H_ri h_ri V[i]`. `everyExpert` (B, G),
    /// when given, already holds `H` at every gate (straight-through's training computes it
    /// densely): it is gathered at the active pairs instead of computed again.
    public static void SparseForward(ReadOnlySpan<float> x, int B, ActiveGates active, GatedParameters theta, Span<float> o,
                                     ReadOnlySpan<float> everyExpert = default)
    {
        int D = theta.Shape.Inputs, G = theta.Shape.Gates, C = theta.Shape.Classes;
        ReadOnlySpan<float> be = theta.Be, bo = theta.Bo, h = active.H;
        ReadOnlySpan<int> gates = active.RowGates, rowEnd = active.RowEnd, inGateOrder = active.InGateOrder;
        var H = active.Expert;
        bool dense = !everyExpert.IsEmpty;
        if (!dense) SelectedRowDot.Dot(active.GateRows, active.GateStart, active.GateEnd, x[..(B * D)], D, theta.We, D, D, H, accumulate: false);

        // H += be, and the output map row by row with m_ri = H_ri h_ri in the row order: V's 10-float rows are gathered from L1
        var m = active.Scratch(0);
        for (int r = 0, q = 0; r < B; r++)
        {
            bo.CopyTo(o.Slice(r * C, C));
            for (; q < rowEnd[r]; q++)
            {
                int p = inGateOrder[q], i = gates[q];
                float Hp = dense ? everyExpert[r * G + i] : H[p] + be[i];
                H[p] = Hp;
                m[q] = Hp * h[q];
            }
        }
        WeightedRowSum.Sum(gates, active.RowStart, rowEnd, m, theta.V, C, o, C, C);
    }

    /// The backward of `SparseForward` from `go = dL/do` (B, C), adding into `gradient` (dL/dtheta):
    /// `G(bo) += sum_r go[r]`, and per active (r, i): `gm = V[i] . go[r]`, `G(V)[i] += H h go[r]`,
    /// `G(We)[i] += gm h x[r]`, `G(be)[i] += gm h`, and `gh[r, i] = gm H` (dL/dh); `gh` is left alone elsewhere.
    public static void SparseBackward(ReadOnlySpan<float> x, int B, ActiveGates active, ReadOnlySpan<float> go,
                                      GatedParameters theta, GatedParameters gradient, Span<float> gh)
    {
        int D = theta.Shape.Inputs, G = theta.Shape.Gates, C = theta.Shape.Classes;
        Span<float> gbe = gradient.Be, gbo = gradient.Bo;
        for (int r = 0; r < B; r++) TensorPrimitives.Add(gbo, go.Slice(r * C, C), gbo);
        ReadOnlySpan<int> gates = active.RowGates, rowEnd = active.RowEnd, inGateOrder = active.InGateOrder;
        ReadOnlySpan<float> H = active.Expert, h = active.H;
        var goB = go[..(B * C)];
        // gm = V[i] . go_r row by row (32 lists rather than 2000); then, in the gate order, the
        // expert's signal gH = gm h and m = H h, and gh = gm H; G(be) sums each gate's rows in row order
        var gm = active.Scratch(0);
        var gH = active.Scratch(1);
        var m = active.Scratch(2);
        SelectedRowDot.Dot(gates, active.RowStart, rowEnd, theta.V, C, goB, C, C, gm, accumulate: false);
        for (int r = 0, q = 0; r < B; r++)
            for (; q < rowEnd[r]; q++)
            {
                int i = gates[q], p = inGateOrder[q];
                gh[r * G + i] = gm[q] * H[p];
                m[p] = H[p] * h[q];
                gH[p] = gm[q] * h[q];
                gbe[i] += gH[p];
            }
        ReadOnlySpan<int> rows = active.GateRows, gateStart = active.GateStart, gateEnd = active.GateEnd;
        WeightedRowSum.Sum(rows, gateStart, gateEnd, m, goB, C, gradient.V, C, C);
        WeightedRowSum.Sum(rows, gateStart, gateEnd, gH, x[..(B * D)], D, gradient.We, D, D);
    }

    /// Every gate of `B` rows: `H = x We^T + be` (B, G), `m = H * h`, `o = m V + bo` (B, C); by
    /// `packedWe` (We packed with `MatMul.PackForward`) when given, else packing We as it goes.
    public static void DenseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int B, GatedParameters theta,
                                    Span<float> H, Span<float> m, Span<float> o, PackedWeights? packedWe = null)
    {
        var s = theta.Shape;
        int D = s.Inputs, G = s.Gates, C = s.Classes;
        GatedLayouts.Forward(x[..(B * D)], packedWe, theta.We, H[..(B * G)], B, D, G);
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
