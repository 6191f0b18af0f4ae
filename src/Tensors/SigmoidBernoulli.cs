// SigmoidBernoulli: s = sigmoid(a), h = u < s ? 1 : 0, in one pass (hand-written for fusion:
// the hot sampling step of every hidden layer above the first).
//   Sample            dispatch: Vector512 (Vector512.Exp) or scalar, same uniforms either way
//   SampleReference   scalar, on a RandomStreamReference
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

public static class SigmoidBernoulli
{
    /// `s[i] = 1 / (1 + exp(-a[i]))`, `h[i] = u[i] < s[i] ? 1 : 0`; `s` may be `a` itself.
    public static void Sample(ReadOnlySpan<float> a, ref RandomStream rng, Span<float> s, Span<float> h)
    {
        if (s.Length < a.Length || h.Length < a.Length) SfnnThrow.DestinationTooShort();
        int i = 0;
        if (KernelIsa.UseVector512)
        {
            var local = rng; // a local copy keeps the generator's state in registers, not memory
            for (; i + RandomStream.Lanes <= a.Length; i += RandomStream.Lanes)
            {
                var sv = SigmoidOp.Invoke(Vector512.LoadUnsafe(in a[i]));
                var u = local.NextUniformBlock();
                sv.StoreUnsafe(ref s[i]);
                Vector512.ConditionalSelect(Vector512.LessThan(u, sv), Vector512<float>.One, Vector512<float>.Zero).StoreUnsafe(ref h[i]);
            }
            rng = local;
        }
        for (; i < a.Length; i += RandomStream.Lanes)
        {
            var u = rng.NextUniformBlock();
            int n = Math.Min(RandomStream.Lanes, a.Length - i);
            for (int lane = 0; lane < n; lane++)
            {
                float si = SigmoidOp.Invoke(a[i + lane]);
                s[i + lane] = si;
                h[i + lane] = u.GetElement(lane) < si ? 1f : 0f;
            }
        }
    }

    public static void SampleReference(ReadOnlySpan<float> a, RandomStreamReference rng, Span<float> s, Span<float> h)
    {
        Span<float> u = new float[a.Length];
        rng.NextUniform(u);
        for (int i = 0; i < a.Length; i++)
        {
            s[i] = 1f / (1f + MathF.Exp(-a[i]));
            h[i] = u[i] < s[i] ? 1f : 0f;
        }
    }
}
