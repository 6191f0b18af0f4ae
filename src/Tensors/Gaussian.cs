// Gaussian: x + std * N(0, 1) by the Box-Muller transform (Box & Muller 1958), hand-written
// because TensorPrimitives has no random numbers.
//   AddNoise            dispatch: Vector512, Vector256 or Vector128 (one generic kernel; `BoxMuller`
//                       inlined) or scalar
//   AddNoiseReference   scalar, on a RandomStreamReference
// Uniforms consumed: for every 32 outputs (or the last, shorter group) two blocks, u1 then u2;
// output j < 16 of a group is r cos(theta) and output 16 + j is r sin(theta), with
// r = sqrt(-2 ln(1 - u1[j])) (1 - u1 is in (0, 1], so the log is finite) and theta = 2 pi u2[j].
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class Gaussian
{
    const int Group = 2 * RandomStream.Lanes;

    /// `destination[i] = x[i] + std * z[i]`, `z` standard normal; `destination` may be `x`.
    public static void AddNoise(ReadOnlySpan<float> x, float std, ref RandomStream rng, Span<float> destination)
    {
        if (destination.Length < x.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector256) { AddNoise<Vector256<float>, Vec256>(x, std, ref rng, destination); return; }
        if (KernelIsa.UseVector128) { AddNoise<Vector128<float>, Vec128>(x, std, ref rng, destination); return; }
        if (KernelIsa.UseVector512)
        {
            var local = rng; // a local copy keeps the generator's state in registers, not memory
            for (; i + Group <= x.Length; i += Group)
            {
                var (r, cos, sin) = BoxMuller.Invoke(local.NextUniformBlock(), local.NextUniformBlock());
                var scale = r * std;
                Vector512.FusedMultiplyAdd(scale, cos, Vector512.LoadUnsafe(in x[i])).StoreUnsafe(ref destination[i]);
                Vector512.FusedMultiplyAdd(scale, sin, Vector512.LoadUnsafe(in x[i + 16])).StoreUnsafe(ref destination[i + 16]);
            }
            rng = local;
            if (i < x.Length)
            {
                // the last, shorter group (784 = 24 x 32 + 16) as a whole one on the stack
                Span<float> group = stackalloc float[Group];
                group.Clear();
                x[i..].CopyTo(group);
                var (r, cos, sin) = BoxMuller.Invoke(rng.NextUniformBlock(), rng.NextUniformBlock());
                var scale = r * std;
                Vector512.FusedMultiplyAdd(scale, cos, Vector512.Create((ReadOnlySpan<float>)group)).CopyTo(group);
                Vector512.FusedMultiplyAdd(scale, sin, Vector512.Create((ReadOnlySpan<float>)group[16..])).CopyTo(group[16..]);
                group[..(x.Length - i)].CopyTo(destination[i..]);
                return;
            }
        }
        for (; i < x.Length; i += Group)
        {
            var u1 = rng.NextUniformBlock();
            var u2 = rng.NextUniformBlock();
            int n = Math.Min(Group, x.Length - i);
            for (int j = 0; j < n; j++)
                destination[i + j] = x[i + j] + std * Normal(u1.GetElement(j % 16), u2.GetElement(j % 16), j >= 16);
        }
    }

    /// Each group's two blocks as parts of one vector: part q of u1, then part q of u2 (each lane
    /// is its own generator, so it still gives u1 and then u2 its next two numbers).
    static unsafe void AddNoise<TV, Vec>(ReadOnlySpan<float> x, float std, ref RandomStream rng, Span<float> destination)
        where TV : struct where Vec : IVec<TV>
    {
        var local = rng;
        var scaleBy = Vec.Create(std);
        int i = 0;
        fixed (float* px = x, pd = destination)
        {
            for (; i + Group <= x.Length; i += Group) NoiseGroup<TV, Vec>(px + i, scaleBy, ref local, pd + i);
            if (i < x.Length)
            {
                // the last, shorter group (784 = 24 x 32 + 16) as a whole one on the stack
                float* group = stackalloc float[Group];
                new Span<float>(group, Group).Clear();
                x[i..].CopyTo(new Span<float>(group, Group));
                NoiseGroup<TV, Vec>(group, scaleBy, ref local, group);
                new ReadOnlySpan<float>(group, x.Length - i).CopyTo(destination[i..]);
            }
        }
        rng = local;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void NoiseGroup<TV, Vec>(float* x, TV std, ref RandomStream rng, float* destination) where TV : struct where Vec : IVec<TV>
    {
        for (int q = 0; q < RandomStream.Lanes / Vec.Count; q++)
        {
            var u1 = Vec.NextUniform(ref rng, q);
            var (r, cos, sin) = Vec.BoxMuller(u1, Vec.NextUniform(ref rng, q));
            var scale = Vec.Multiply(r, std);
            int at = q * Vec.Count;
            Vec.Store(Vec.Fma(scale, cos, Vec.Load(x + at)), destination + at);
            Vec.Store(Vec.Fma(scale, sin, Vec.Load(x + RandomStream.Lanes + at)), destination + RandomStream.Lanes + at);
        }
    }

    static float Normal(float u1, float u2, bool sine)
    {
        var (r, cos, sin) = BoxMuller.Reference(u1, u2);
        return r * (sine ? sin : cos);
    }

    public static void AddNoiseReference(ReadOnlySpan<float> x, float std, RandomStreamReference rng, Span<float> destination)
    {
        Span<float> u1 = stackalloc float[16], u2 = stackalloc float[16];
        for (int i = 0; i < x.Length; i += Group)
        {
            rng.NextUniform(u1);
            rng.NextUniform(u2);
            for (int j = 0; j < Group && i + j < x.Length; j++)
                destination[i + j] = x[i + j] + std * Normal(u1[j % 16], u2[j % 16], j >= 16);
        }
    }
}
