// Prefetch: asks the caches for memory a loop will read soon, a line at a time. Only a hint:
// no result depends on it, so there is no reference to hold it to.
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static class Prefetch
{
    /// Every cache line of `span` towards L1.
    public static unsafe void Lines(ReadOnlySpan<float> span)
    {
        if (!Sse.IsSupported) return;
        fixed (float* p = span)
            for (int i = 0; i < span.Length; i += 16) Sse.Prefetch0(p + i);
    }
}
