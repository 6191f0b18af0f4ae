// FmaChains: the FMA peak of one thread on the current kernel path: twelve independent chains of
// FMAs and nothing else, no memory traffic and no calls (a call in the loop made the JIT keep the
// chains on the stack). The benchmarks quote products against it; `sfnn bench` runs it on every
// thread and beside the step.
//   Run   dispatch: 12 chains of Vector512 (once per iteration), Vector256 (twice), Vector128
//         (four times) or scalar (sixteen times), so an iteration is 192 multiply-adds on every path
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class FmaChains
{
    /// Multiply-adds one call does per iteration: 12 chains of 16 lanes.
    public const int FmasPerIteration = 12 * 16;

    /// Runs `iterations` rounds of the chains on the current path; the result only keeps them
    /// from being optimised away.
    public static float Run(int iterations) => KernelIsa.Current switch
    {
        Isa.Vector512 => Run512(iterations),
        Isa.Vector256 => Run<Vector256<float>, Vec256>(iterations),
        Isa.Vector128 => Run<Vector128<float>, Vec128>(iterations),
        _ => RunScalar(iterations),
    };

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Run512(int iterations)
    {
        var a0 = Vector512.Create(1f); Vector512<float> a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        var x = Vector512.Create(0.999999f);
        var y = Vector512.Create(1e-7f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y); a2 = Vector512.FusedMultiplyAdd(a2, x, y);
            a3 = Vector512.FusedMultiplyAdd(a3, x, y); a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y); a8 = Vector512.FusedMultiplyAdd(a8, x, y);
            a9 = Vector512.FusedMultiplyAdd(a9, x, y); a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Run<TV, Vec>(int iterations) where TV : struct where Vec : IVec<TV>
    {
        var a0 = Vec.Create(1f); TV a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        var x = Vec.Create(0.999999f);
        var y = Vec.Create(1e-7f);
        for (int i = 0; i < iterations * (16 / Vec.Count); i++)
        {
            a0 = Vec.Fma(a0, x, y); a1 = Vec.Fma(a1, x, y); a2 = Vec.Fma(a2, x, y);
            a3 = Vec.Fma(a3, x, y); a4 = Vec.Fma(a4, x, y); a5 = Vec.Fma(a5, x, y);
            a6 = Vec.Fma(a6, x, y); a7 = Vec.Fma(a7, x, y); a8 = Vec.Fma(a8, x, y);
            a9 = Vec.Fma(a9, x, y); a10 = Vec.Fma(a10, x, y); a11 = Vec.Fma(a11, x, y);
        }
        return Vec.Sum(Vec.Add(Vec.Add(Vec.Add(a0, a1), Vec.Add(a2, a3)), Vec.Add(Vec.Add(Vec.Add(a4, a5), Vec.Add(a6, a7)), Vec.Add(Vec.Add(a8, a9), Vec.Add(a10, a11)))));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float RunScalar(int iterations)
    {
        float a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1, a8 = 1, a9 = 1, a10 = 1, a11 = 1;
        const float x = 0.999999f, y = 1e-7f;
        for (int i = 0; i < iterations * 16; i++)
        {
            a0 = MathF.FusedMultiplyAdd(a0, x, y); a1 = MathF.FusedMultiplyAdd(a1, x, y); a2 = MathF.FusedMultiplyAdd(a2, x, y);
            a3 = MathF.FusedMultiplyAdd(a3, x, y); a4 = MathF.FusedMultiplyAdd(a4, x, y); a5 = MathF.FusedMultiplyAdd(a5, x, y);
            a6 = MathF.FusedMultiplyAdd(a6, x, y); a7 = MathF.FusedMultiplyAdd(a7, x, y); a8 = MathF.FusedMultiplyAdd(a8, x, y);
            a9 = MathF.FusedMultiplyAdd(a9, x, y); a10 = MathF.FusedMultiplyAdd(a10, x, y); a11 = MathF.FusedMultiplyAdd(a11, x, y);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
