// SigmoidBernoulli: s = sigmoid(a), h = u < s ? 1 : 0, in one pass (hand-written for fusion:
// the hot sampling step of every hidden layer above the first).
//   SampleRows            dispatch: Vector512 (FastExp, inlined) or scalar, same uniforms either way
//   SampleRowsReference   scalar, on a RandomStreamReference
// Rows share one stream, sampled in one call so that its state stays in registers; which uniform
// an element gets: see `RowBlocks`.
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

public static class SigmoidBernoulli
{
    /// `rows` rows of `n`: `s = 1 / (1 + exp(-a))`, `h = u < s ? 1 : 0`; `s` may be `a` itself.
    public static void SampleRows(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> s, Span<float> h, int rows, int n)
    {
        RowBlocks.Check(a.Length, n, Math.Min(s.Length, h.Length), n, rows, n);
        if (rows == 0 || n == 0) return;
        if (!KernelIsa.UseVector512 || n < RandomStream.Lanes)
        {
            for (int r = 0; r < rows; r++)
                for (int j0 = 0; j0 < n; j0 += RandomStream.Lanes)
                {
                    var u = rng.NextUniformBlock();
                    for (int j = j0; j < Math.Min(j0 + RandomStream.Lanes, n); j++)
                    {
                        float sj = SigmoidOp.Invoke(a[r * n + j]);
                        s[r * n + j] = sj;
                        h[r * n + j] = u.GetElement(RowBlocks.Lane(j, n)) < sj ? 1f : 0f;
                    }
                }
            return;
        }
        var local = rng; // a local copy keeps the generator's state in registers, not memory
        var tail = RowBlocks.TailLanes(n);
        for (int r = 0; r < rows; r++)
        {
            ref readonly float aRow = ref a[r * n];
            ref float sRow = ref s[r * n], hRow = ref h[r * n];
            int j = 0;
            for (; j + RandomStream.Lanes <= n; j += RandomStream.Lanes)
            {
                var sv = SigmoidOp.Invoke(Vector512.LoadUnsafe(in aRow, (nuint)j));
                var u = local.NextUniformBlock();
                sv.StoreUnsafe(ref sRow, (nuint)j);
                Vector512.ConditionalSelect(Vector512.LessThan(u, sv), Vector512<float>.One, Vector512<float>.Zero).StoreUnsafe(ref hRow, (nuint)j);
            }
            if (j < n)
            {
                // the last block lies over the row's last 16 columns; only its last lanes are new
                // (s may be a, so the old lanes of s are read before any is written)
                nuint last = (nuint)(n - RandomStream.Lanes);
                var oldS = Vector512.LoadUnsafe(ref sRow, last);
                var sv = SigmoidOp.Invoke(Vector512.LoadUnsafe(in aRow, last));
                var u = local.NextUniformBlock();
                var bits = Vector512.ConditionalSelect(Vector512.LessThan(u, sv), Vector512<float>.One, Vector512<float>.Zero);
                Vector512.ConditionalSelect(tail, sv, oldS).StoreUnsafe(ref sRow, last);
                Vector512.ConditionalSelect(tail, bits, Vector512.LoadUnsafe(ref hRow, last)).StoreUnsafe(ref hRow, last);
            }
        }
        rng = local;
    }

    public static void SampleRowsReference(ReadOnlySpan<float> a, RandomStreamReference rng, Span<float> s, Span<float> h, int rows, int n)
    {
        RowBlocks.Check(a.Length, n, Math.Min(s.Length, h.Length), n, rows, n);
        Span<float> u = stackalloc float[RandomStream.Lanes];
        for (int r = 0; r < rows; r++)
            for (int j0 = 0; j0 < n; j0 += RandomStream.Lanes)
            {
                rng.NextUniform(u);
                for (int j = j0; j < Math.Min(j0 + RandomStream.Lanes, n); j++)
                {
                    s[r * n + j] = 1f / (1f + MathF.Exp(-a[r * n + j]));
                    h[r * n + j] = u[RowBlocks.Lane(j, n)] < s[r * n + j] ? 1f : 0f;
                }
            }
    }
}
