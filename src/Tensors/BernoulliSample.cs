// BernoulliSample: h = u < p ? 1 : 0 with u from a RandomStream (hand-written: fuses the
// uniform draw with the compare, which TensorPrimitives cannot).
//   SampleRows            dispatch: Vector512, Vector256 or Vector128 (one generic kernel) or scalar
//                         compare, same uniforms on every path
//   SampleRowsReference   scalar, on a RandomStreamReference
// Rows share one stream and are sampled in one call, so its state stays in registers across
// them (a call per row cost several hundred cycles of state copies). Which uniform an element
// gets: see `RowBlocks`.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class BernoulliSample
{
    /// One row: `h[i] = u[i] < p[i] ? 1 : 0`.
    public static void Sample(ReadOnlySpan<float> p, ref RandomStream rng, Span<float> h) =>
        SampleRows(p, p.Length, ref rng, h, 1, p.Length);

    /// `rows` rows of `n`: `h[r n + j] = u < p[r pStride + j] ? 1 : 0`; `pStride` 0 samples every
    /// row from the same probabilities.
    public static void SampleRows(ReadOnlySpan<float> p, int pStride, ref RandomStream rng, Span<float> h, int rows, int n)
    {
        RowBlocks.Check(p.Length, pStride, h.Length, n, rows, n);
        if (rows == 0 || n == 0) return;
        if (KernelIsa.Current == Isa.Scalar || n < RandomStream.Lanes)
        {
            for (int r = 0; r < rows; r++)
                for (int j0 = 0; j0 < n; j0 += RandomStream.Lanes)
                {
                    var u = rng.NextUniformBlock();
                    for (int j = j0; j < Math.Min(j0 + RandomStream.Lanes, n); j++)
                        h[r * n + j] = u.GetElement(RowBlocks.Lane(j, n)) < p[r * pStride + j] ? 1f : 0f;
                }
            return;
        }
        if (KernelIsa.UseVector256) SampleRows<Vector256<float>, Vec256>(p, pStride, ref rng, h, rows, n);
        else if (KernelIsa.UseVector128) SampleRows<Vector128<float>, Vec128>(p, pStride, ref rng, h, rows, n);
        else SampleRows512(p, pStride, ref rng, h, rows, n);
    }

    static void SampleRows512(ReadOnlySpan<float> p, int pStride, ref RandomStream rng, Span<float> h, int rows, int n)
    {
        var local = rng; // a local copy keeps the generator's state in registers, not memory
        var tail = RowBlocks.TailLanes(n);
        for (int r = 0; r < rows; r++)
        {
            ref readonly float pRow = ref p[r * pStride];
            ref float hRow = ref h[r * n];
            int j = 0;
            for (; j + RandomStream.Lanes <= n; j += RandomStream.Lanes)
                Bits(local.NextUniformBlock(), Vector512.LoadUnsafe(in pRow, (nuint)j)).StoreUnsafe(ref hRow, (nuint)j);
            if (j < n)
            {
                // the last block lies over the row's last 16 columns; only its last lanes are new
                nuint last = (nuint)(n - RandomStream.Lanes);
                var bits = Bits(local.NextUniformBlock(), Vector512.LoadUnsafe(in pRow, last));
                Vector512.ConditionalSelect(tail, bits, Vector512.LoadUnsafe(ref hRow, last)).StoreUnsafe(ref hRow, last);
            }
        }
        rng = local;
    }

    /// The 16-lane blocks as `RandomStream.Lanes / Vec.Count` parts of one vector each.
    static void SampleRows<TV, Vec>(ReadOnlySpan<float> p, int pStride, ref RandomStream rng, Span<float> h, int rows, int n)
        where TV : struct where Vec : IVec<TV>
    {
        var local = rng;
        var one = Vec.Create(1f);
        int parts = RandomStream.Lanes / Vec.Count;
        for (int r = 0; r < rows; r++)
        {
            ref readonly float pRow = ref p[r * pStride];
            ref float hRow = ref h[r * n];
            int j = 0;
            for (; j + RandomStream.Lanes <= n; j += RandomStream.Lanes)
                for (int q = 0; q < parts; q++)
                {
                    nuint at = (nuint)(j + q * Vec.Count);
                    Vec.Store(Vec.And(Vec.LessThan(Vec.NextUniform(ref local, q), Vec.Load(in pRow, at)), one), ref hRow, at);
                }
            if (j < n)
                for (int q = 0; q < parts; q++)
                {
                    // as the Vector512 path: the last block over the row's last 16 columns
                    nuint at = (nuint)(n - RandomStream.Lanes + q * Vec.Count);
                    var bits = Vec.And(Vec.LessThan(Vec.NextUniform(ref local, q), Vec.Load(in pRow, at)), one);
                    Vec.Store(Vec.Select(RowBlocks.OldLanes<TV, Vec>(n, q), Vec.Load(in hRow, at), bits), ref hRow, at);
                }
        }
        rng = local;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Bits(Vector512<float> u, Vector512<float> p) =>
        Vector512.ConditionalSelect(Vector512.LessThan(u, p), Vector512<float>.One, Vector512<float>.Zero);

    public static void SampleRowsReference(ReadOnlySpan<float> p, int pStride, RandomStreamReference rng, Span<float> h, int rows, int n)
    {
        RowBlocks.Check(p.Length, pStride, h.Length, n, rows, n);
        Span<float> u = stackalloc float[RandomStream.Lanes];
        for (int r = 0; r < rows; r++)
            for (int j0 = 0; j0 < n; j0 += RandomStream.Lanes)
            {
                rng.NextUniform(u);
                for (int j = j0; j < Math.Min(j0 + RandomStream.Lanes, n); j++)
                    h[r * n + j] = u[RowBlocks.Lane(j, n)] < p[r * pStride + j] ? 1f : 0f;
            }
    }
}

/// How a row of `n` elements takes its uniforms: ceil(n / 16) blocks of a stream; element j of
/// the whole blocks is lane j % 16 of block j / 16. The last n % 16 elements take one more block:
/// when n >= 16 its last lanes (the block is laid over the row's last 16 columns, so the vector
/// path needs no masked or partial access), otherwise its first n lanes.
internal static class RowBlocks
{
    /// The lane of its block that element `j` of a row of `n` takes.
    public static int Lane(int j, int n)
    {
        int whole = n / RandomStream.Lanes * RandomStream.Lanes;
        if (j < whole || n < RandomStream.Lanes) return j % RandomStream.Lanes;
        return j - (n - RandomStream.Lanes);
    }

    /// The lanes of the last block that are new when it is laid over a row's last 16 columns.
    public static Vector512<float> TailLanes(int n) =>
        Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(RandomStream.Lanes - n % RandomStream.Lanes)).AsSingle();

    /// The lanes of part `part` of that last block that lie over earlier columns (not new).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV OldLanes<TV, Vec>(int n, int part) where TV : struct where Vec : IVec<TV> =>
        Vec.FirstLanes(RandomStream.Lanes - n % RandomStream.Lanes - part * Vec.Count);

    internal static void Check(int inputLength, int inputStride, int outputLength, int outputStride, int rows, int n)
    {
        if (n < 0 || rows < 0 || inputStride < 0 || outputStride < n) SfnnThrow.Argument("negative sizes or a stride below the width");
        if (rows > 0 && inputLength < (rows - 1) * inputStride + n) SfnnThrow.ArgumentLength("input", inputLength, (rows - 1) * inputStride + n);
        if (rows > 0 && outputLength < (rows - 1) * outputStride + n) SfnnThrow.DestinationTooShort();
    }
}
