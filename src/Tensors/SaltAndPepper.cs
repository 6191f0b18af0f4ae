// SaltAndPepper: the GSN paper's input corruption (Bengio et al. 2014, section 7): each element
// is kept with probability 1 - p, else replaced by a fair 0/1 coin. One uniform u per element
// decides both: u < p corrupts, and given that, u is uniform on [0, p), so u < p / 2 is the coin
// (0 below, 1 above). Hand-written because TensorPrimitives has no random numbers.
//   Corrupt            dispatch: Vector512, Vector256 or Vector128 (one generic kernel) or scalar,
//                      the same compares on the same uniforms on every path
//   CorruptReference   scalar, on a RandomStreamReference
// Uniforms: element i takes element i of the stream (`RandomStream.NextUniform`'s layout: lane
// i % 16 of block i / 16, the last partial block's first lanes for the tail).
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class SaltAndPepper
{
    /// `destination[i] = u_i < p ? (u_i < p / 2 ? 0 : 1) : x[i]`; `destination` may be `x`.
    public static void Corrupt(ReadOnlySpan<float> x, float p, ref RandomStream rng, Span<float> destination)
    {
        if (destination.Length < x.Length) SfnnThrow.DestinationTooShort();
        if (!(p >= 0 && p <= 1)) SfnnThrow.Argument($"the corruption rate must lie in [0, 1], got {p}", nameof(p));
        int i;
        if (KernelIsa.UseVector256) i = Corrupt<Vector256<float>, Vec256>(x, p, ref rng, destination);
        else if (KernelIsa.UseVector128) i = Corrupt<Vector128<float>, Vec128>(x, p, ref rng, destination);
        else if (KernelIsa.UseVector512) i = Corrupt512(x, p, ref rng, destination);
        else i = 0;
        for (; i < x.Length; i += RandomStream.Lanes)
        {
            var u = rng.NextUniformBlock();
            for (int j = 0; j < RandomStream.Lanes && i + j < x.Length; j++)
                destination[i + j] = Element(x[i + j], u.GetElement(j), p);
        }
    }

    /// The whole blocks; returns where the tail starts.
    static int Corrupt512(ReadOnlySpan<float> x, float p, ref RandomStream rng, Span<float> destination)
    {
        var local = rng; // a local copy keeps the generator's state in registers, not memory
        var rate = Vector512.Create(p);
        var half = Vector512.Create(p * 0.5f);
        int i = 0;
        for (; i + RandomStream.Lanes <= x.Length; i += RandomStream.Lanes)
        {
            var u = local.NextUniformBlock();
            var coin = Vector512.ConditionalSelect(Vector512.LessThan(u, half), Vector512<float>.Zero, Vector512<float>.One);
            Vector512.ConditionalSelect(Vector512.LessThan(u, rate), coin, Vector512.LoadUnsafe(in x[i])).StoreUnsafe(ref destination[i]);
        }
        rng = local;
        return i;
    }

    /// Each 16-lane block as `RandomStream.Lanes / Vec.Count` parts; returns where the tail starts.
    static int Corrupt<TV, Vec>(ReadOnlySpan<float> x, float p, ref RandomStream rng, Span<float> destination)
        where TV : struct where Vec : IVec<TV>
    {
        var local = rng;
        var rate = Vec.Create(p);
        var half = Vec.Create(p * 0.5f);
        var zero = Vec.Create(0f);
        var one = Vec.Create(1f);
        int i = 0;
        for (; i + RandomStream.Lanes <= x.Length; i += RandomStream.Lanes)
            for (int q = 0; q < RandomStream.Lanes / Vec.Count; q++)
            {
                nuint at = (nuint)(i + q * Vec.Count);
                var u = Vec.NextUniform(ref local, q);
                var coin = Vec.Select(Vec.LessThan(u, half), zero, one);
                Vec.Store(Vec.Select(Vec.LessThan(u, rate), coin, Vec.Load(in x[0], at)), ref destination[0], at);
            }
        rng = local;
        return i;
    }

    static float Element(float x, float u, float p) => u < p ? (u < p * 0.5f ? 0f : 1f) : x;

    public static void CorruptReference(ReadOnlySpan<float> x, float p, RandomStreamReference rng, Span<float> destination)
    {
        Span<float> u = stackalloc float[RandomStream.Lanes];
        for (int i = 0; i < x.Length; i += RandomStream.Lanes)
        {
            rng.NextUniform(u);
            for (int j = 0; j < RandomStream.Lanes && i + j < x.Length; j++) destination[i + j] = Element(x[i + j], u[j], p);
        }
    }
}
