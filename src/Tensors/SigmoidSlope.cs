// SigmoidSlope: d = g * s * (1 - s), the sigmoid's slope times an incoming signal (hand-written
// for fusion: G3's and back-propagation's hidden signal in one pass).
//   Multiply    dispatch: Vector512, Vector256 or Vector128 (one generic loop) or scalar, the same
//               two multiplies in the same order on every path
//   Reference   scalar
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class SigmoidSlope
{
    /// `d[i] = g[i] * s[i] * (1 - s[i])`; `d` may be `s` or `g`.
    public static void Multiply(ReadOnlySpan<float> s, ReadOnlySpan<float> g, Span<float> d)
    {
        if (g.Length != s.Length) SfnnThrow.ArgumentLength(nameof(g), g.Length, s.Length);
        if (d.Length < s.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector256) i = Multiply<Vector256<float>, Vec256>(s, g, d);
        else if (KernelIsa.UseVector128) i = Multiply<Vector128<float>, Vec128>(s, g, d);
        else if (KernelIsa.UseVector512)
            for (; i + 16 <= s.Length; i += 16)
            {
                var sv = Vector512.LoadUnsafe(in s[i]);
                (Vector512.LoadUnsafe(in g[i]) * sv * (Vector512<float>.One - sv)).StoreUnsafe(ref d[i]);
            }
        for (; i < s.Length; i++) d[i] = g[i] * s[i] * (1 - s[i]);
    }

    /// The whole vectors; returns where the scalar tail starts.
    static int Multiply<TV, Vec>(ReadOnlySpan<float> s, ReadOnlySpan<float> g, Span<float> d) where TV : struct where Vec : IVec<TV>
    {
        var one = Vec.Create(1f);
        int i = 0;
        for (; i + Vec.Count <= s.Length; i += Vec.Count)
        {
            var sv = Vec.Load(in s[i], 0);
            Vec.Store(Vec.Multiply(Vec.Multiply(Vec.Load(in g[i], 0), sv), Vec.Subtract(one, sv)), ref d[i], 0);
        }
        return i;
    }

    public static void Reference(ReadOnlySpan<float> s, ReadOnlySpan<float> g, Span<float> d)
    {
        for (int i = 0; i < s.Length; i++) d[i] = g[i] * s[i] * (1 - s[i]);
    }
}
