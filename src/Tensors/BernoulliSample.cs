// BernoulliSample: h = u < p ? 1 : 0 with u from a RandomStream (hand-written: fuses the
// uniform draw with the compare, which TensorPrimitives cannot).
//   Sample            dispatch: Vector512 or scalar compare, same uniforms either way
//   SampleReference   scalar, on a RandomStreamReference
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

public static class BernoulliSample
{
    /// `h[i] = u[i] < p[i] ? 1 : 0`, `u` the next `p.Length` elements of `rng` (whole 16-lane blocks).
    public static void Sample(ReadOnlySpan<float> p, ref RandomStream rng, Span<float> h)
    {
        if (h.Length < p.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector512)
        {
            var local = rng; // a local copy keeps the generator's state in registers, not memory
            for (; i + RandomStream.Lanes <= p.Length; i += RandomStream.Lanes)
            {
                var u = local.NextUniformBlock();
                var bit = Vector512.ConditionalSelect(Vector512.LessThan(u, Vector512.LoadUnsafe(in p[i])), Vector512<float>.One, Vector512<float>.Zero);
                bit.StoreUnsafe(ref h[i]);
            }
            rng = local;
        }
        for (; i < p.Length; i += RandomStream.Lanes)
        {
            var u = rng.NextUniformBlock();
            int n = Math.Min(RandomStream.Lanes, p.Length - i);
            for (int lane = 0; lane < n; lane++) h[i + lane] = u.GetElement(lane) < p[i + lane] ? 1f : 0f;
        }
    }

    public static void SampleReference(ReadOnlySpan<float> p, RandomStreamReference rng, Span<float> h)
    {
        Span<float> u = new float[p.Length];
        rng.NextUniform(u);
        for (int i = 0; i < p.Length; i++) h[i] = u[i] < p[i] ? 1f : 0f;
    }
}
