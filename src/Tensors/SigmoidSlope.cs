// SigmoidSlope: d = g * s * (1 - s), the sigmoid's slope times an incoming signal (hand-written
// for fusion: G3's and back-propagation's hidden signal in one pass).
//   Multiply    dispatch: Vector512 or scalar
//   Reference   scalar
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

public static class SigmoidSlope
{
    /// `d[i] = g[i] * s[i] * (1 - s[i])`; `d` may be `s` or `g`.
    public static void Multiply(ReadOnlySpan<float> s, ReadOnlySpan<float> g, Span<float> d)
    {
        if (g.Length != s.Length) SfnnThrow.ArgumentLength(nameof(g), g.Length, s.Length);
        if (d.Length < s.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector512)
            for (; i + 16 <= s.Length; i += 16)
            {
                var sv = Vector512.LoadUnsafe(in s[i]);
                (Vector512.LoadUnsafe(in g[i]) * sv * (Vector512<float>.One - sv)).StoreUnsafe(ref d[i]);
            }
        for (; i < s.Length; i++) d[i] = g[i] * s[i] * (1 - s[i]);
    }

    public static void Reference(ReadOnlySpan<float> s, ReadOnlySpan<float> g, Span<float> d)
    {
        for (int i = 0; i < s.Length; i++) d[i] = g[i] * s[i] * (1 - s[i]);
    }
}
