// FastExp: e^x on 16 floats, inlined into the fused sampling kernels. Vector512.Exp is a call
// that widens to double (and so spills the random generator's state held in registers); this is
// Cephes' expf in float: x = n ln2 + r, |r| <= ln2 / 2, e^r by a degree-6 polynomial, 2^n built
// in the exponent bits. Within 2 ulp of e^x for x in [-87, 88]; inputs outside are clamped there,
// so it returns e^-87 (about 1.6e-38) below and e^88 (about 1.7e38) above, never 0, inf or NaN.
//   Invoke      Vector512, Vector256, Vector128: the same arithmetic at each width (the 128-bit one
//               through the cross-platform API only)
//   Reference   scalar, the same arithmetic step by step (the test holds all to Math.Exp)
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal static class FastExp
{
    const float Low = -87f, High = 88f, Log2E = 1.44269504088896341f;
    const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f; // ln 2 = Ln2High + Ln2Low, Ln2High exact in 9 bits
    const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    const float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(Low)), Vector512.Create(High));
        var n = Vector512.Floor(Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(0.5f)));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        // n is a whole number in [-125, 127]: the plain conversion, without the saturating
        // fix-ups that Vector512.ConvertToInt32 adds for NaN and out-of-range inputs
        var whole = Avx512F.IsSupported ? Avx512F.ConvertToVector512Int32(n) : Vector512.ConvertToInt32(n);
        var scale = (whole + Vector512.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Low)), Vector256.Create(High));
        var n = Vector256.Floor(Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(0.5f)));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        // n is whole and in range, so the native conversion needs no saturating fix-ups
        var scale = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(Low)), Vector128.Create(High));
        var n = Vector128.Floor(Vector128.FusedMultiplyAdd(x, Vector128.Create(Log2E), Vector128.Create(0.5f)));
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P5));
        p = Vector128.FusedMultiplyAdd(p, r * r, r + Vector128<float>.One);
        var scale = (Vector128.ConvertToInt32Native(n) + Vector128.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    public static float Reference(float x)
    {
        x = MathF.Min(MathF.Max(x, Low), High);
        float n = MathF.Floor(MathF.FusedMultiplyAdd(x, Log2E, 0.5f));
        float r = MathF.FusedMultiplyAdd(n, -Ln2High, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Low, r);
        float p = MathF.FusedMultiplyAdd(P0, r, P1);
        p = MathF.FusedMultiplyAdd(p, r, P2);
        p = MathF.FusedMultiplyAdd(p, r, P3);
        p = MathF.FusedMultiplyAdd(p, r, P4);
        p = MathF.FusedMultiplyAdd(p, r, P5);
        p = MathF.FusedMultiplyAdd(p, r * r, r + 1);
        return p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}
