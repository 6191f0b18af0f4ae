// SigmoidBernoulli: s = sigmoid(a), h = u < s ? 1 : 0, in one pass (hand-written for fusion:
// the hot sampling step of every hidden layer above the first).
//   SampleRows            dispatch: Vector512, Vector256 or Vector128 (one generic kernel; FastExp
//                         inlined) or scalar, same uniforms on every path
//   SampleRowsReference   scalar, on a RandomStreamReference
// Rows share one stream, sampled in one call so that its state stays in registers; which uniform
// an element gets: see `RowBlocks`.
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class SigmoidBernoulli
{
    /// `rows` rows of `n`: `s = 1 / (1 + exp(-a))`, `h = u < s ? 1 : 0`; `s` may be `a` itself.
    public static void SampleRows(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> s, Span<float> h, int rows, int n)
    {
        RowBlocks.Check(a.Length, n, Math.Min(s.Length, h.Length), n, rows, n);
        if (rows == 0 || n == 0) return;
        if (KernelIsa.Current == Isa.Scalar || n < RandomStream.Lanes)
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
        if (KernelIsa.UseVector256) SampleRows<Vector256<float>, Vec256>(a, ref rng, s, h, rows, n);
        else if (KernelIsa.UseVector128) SampleRows<Vector128<float>, Vec128>(a, ref rng, s, h, rows, n);
        else SampleRows512(a, ref rng, s, h, rows, n);
    }

    static void SampleRows512(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> s, Span<float> h, int rows, int n)
    {
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

    /// The 16-lane blocks as `RandomStream.Lanes / Vec.Count` parts of one vector each.
    static void SampleRows<TV, Vec>(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> s, Span<float> h, int rows, int n)
        where TV : struct where Vec : IVec<TV>
    {
        var local = rng;
        var one = Vec.Create(1f);
        int parts = RandomStream.Lanes / Vec.Count;
        for (int r = 0; r < rows; r++)
        {
            ref readonly float aRow = ref a[r * n];
            ref float sRow = ref s[r * n], hRow = ref h[r * n];
            int j = 0;
            for (; j + RandomStream.Lanes <= n; j += RandomStream.Lanes)
                for (int q = 0; q < parts; q++)
                {
                    nuint at = (nuint)(j + q * Vec.Count);
                    var sv = Vec.Sigmoid(Vec.Load(in aRow, at));
                    var u = Vec.NextUniform(ref local, q);
                    Vec.Store(sv, ref sRow, at);
                    Vec.Store(Vec.And(Vec.LessThan(u, sv), one), ref hRow, at);
                }
            if (j < n)
                for (int q = 0; q < parts; q++)
                {
                    // as the Vector512 path: the last block over the row's last 16 columns, each
                    // part's old lanes of s read before it is written (s may be a)
                    nuint at = (nuint)(n - RandomStream.Lanes + q * Vec.Count);
                    var old = RowBlocks.OldLanes<TV, Vec>(n, q);
                    var oldS = Vec.Load(in sRow, at);
                    var sv = Vec.Sigmoid(Vec.Load(in aRow, at));
                    var u = Vec.NextUniform(ref local, q);
                    Vec.Store(Vec.Select(old, oldS, sv), ref sRow, at);
                    Vec.Store(Vec.Select(old, Vec.Load(in hRow, at), Vec.And(Vec.LessThan(u, sv), one)), ref hRow, at);
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
