// BoxMuller: r = sqrt(-2 ln(1 - u1)), cos(2 pi u2) and sin(2 pi u2) for uniforms u1, u2 in
// [0, 1), inlined into Gaussian.AddNoise. Vector512.Log and SinCos are general library calls
// that cost 2.3 ns per normal draw, the input noise a third of a deterministic step's pass; here
// the inputs' range is known: 1 - u1 lies in [2^-24, 1], and u2 is a multiple of 2^-24, so
// 2 pi u2 reduces exactly to a quadrant j pi / 2 plus 2 pi t with |t| <= 1/8.
//   Invoke      Vector512, Vector256, Vector128: the same arithmetic at each width (the 128-bit one
//               through the cross-platform API only)
//   Reference   scalar, the same arithmetic step by step (the test holds all to double math)
// The polynomials are Cephes' logf (x = m 2^e, m in [sqrt(1/2), sqrt(2))) and sinf/cosf on
// [-pi/4, pi/4].
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class BoxMuller
{
    const float SqrtHalf = 0.707106781186547524f, TwoPi = 6.28318530717958648f;
    const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    const float L0 = 7.0376836292e-2f, L1 = -1.1514610310e-1f, L2 = 1.1676998740e-1f, L3 = -1.2420140846e-1f, L4 = 1.4249322787e-1f;
    const float L5 = -1.6668057665e-1f, L6 = 2.0000714765e-1f, L7 = -2.4999993993e-1f, L8 = 3.3333331174e-1f;
    const float S0 = -1.9515295891e-4f, S1 = 8.3321608736e-3f, S2 = -1.6666654611e-1f;
    const float C0 = 2.443315711809948e-5f, C1 = -1.388731625493765e-3f, C2 = 4.166664568298827e-2f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> R, Vector512<float> Cos, Vector512<float> Sin) Invoke(Vector512<float> u1, Vector512<float> u2)
    {
        // ln x for x = 1 - u1 in [2^-24, 1]: x = m 2^e with m in [1/2, 1), moved to [sqrt(1/2), sqrt(2))
        var x = Vector512<float>.One - u1;
        var bits = x.AsInt32();
        var e = Vector512.ConvertToSingle((bits >> 23) - Vector512.Create(126));
        var m = ((bits & Vector512.Create(unchecked((int)0x807FFFFF))) | Vector512.Create(0x3F000000)).AsSingle();
        var small = Vector512.LessThan(m, Vector512.Create(SqrtHalf));
        e -= small & Vector512<float>.One;
        m = m + (small & m) - Vector512<float>.One;
        var z = m * m;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(L0), m, Vector512.Create(L1));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L2));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L3));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L4));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L5));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L6));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L7));
        p = Vector512.FusedMultiplyAdd(p, m, Vector512.Create(L8));
        var y = p * m * z;
        y = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Low), y);
        y = Vector512.FusedMultiplyAdd(z, Vector512.Create(-0.5f), y);
        var log = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2High), m + y);
        var r = Vector512.Sqrt(log * Vector512.Create(-2f));

        // 2 pi u2 = j pi / 2 + a, a = 2 pi t, t = u2 - j / 4 exactly (Sterbenz), |a| <= pi / 4
        var j = Vector512.Round(u2 * Vector512.Create(4f));
        var a = (u2 - j * Vector512.Create(0.25f)) * Vector512.Create(TwoPi);
        var a2 = a * a;
        var s = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(S0), a2, Vector512.Create(S1)), a2, Vector512.Create(S2)) * a2, a, a);
        var c = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(C0), a2, Vector512.Create(C1)), a2, Vector512.Create(C2)) * a2, a2,
                                           Vector512.FusedMultiplyAdd(a2, Vector512.Create(-0.5f), Vector512<float>.One));
        var quadrant = Vector512.ConvertToInt32(j);
        var swap = Vector512.Equals(quadrant & Vector512<int>.One, Vector512<int>.One).AsSingle();
        var sin = Vector512.ConditionalSelect(swap, c, s);
        var cos = Vector512.ConditionalSelect(swap, s, c);
        sin = (sin.AsInt32() ^ ((quadrant & Vector512.Create(2)) << 30)).AsSingle();
        cos = (cos.AsInt32() ^ (((quadrant + Vector512<int>.One) & Vector512.Create(2)) << 30)).AsSingle();
        return (r, cos, sin);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> R, Vector256<float> Cos, Vector256<float> Sin) Invoke(Vector256<float> u1, Vector256<float> u2)
    {
        var x = Vector256<float>.One - u1;
        var bits = x.AsInt32();
        var e = Vector256.ConvertToSingle((bits >> 23) - Vector256.Create(126));
        var m = ((bits & Vector256.Create(unchecked((int)0x807FFFFF))) | Vector256.Create(0x3F000000)).AsSingle();
        var small = Vector256.LessThan(m, Vector256.Create(SqrtHalf));
        e -= small & Vector256<float>.One;
        m = m + (small & m) - Vector256<float>.One;
        var z = m * m;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(L0), m, Vector256.Create(L1));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L2));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L3));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L4));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L5));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L6));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L7));
        p = Vector256.FusedMultiplyAdd(p, m, Vector256.Create(L8));
        var y = p * m * z;
        y = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2Low), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        var log = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2High), m + y);
        var r = Vector256.Sqrt(log * Vector256.Create(-2f));

        var j = Vector256.Round(u2 * Vector256.Create(4f));
        var a = (u2 - j * Vector256.Create(0.25f)) * Vector256.Create(TwoPi);
        var a2 = a * a;
        var s = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(S0), a2, Vector256.Create(S1)), a2, Vector256.Create(S2)) * a2, a, a);
        var c = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(C0), a2, Vector256.Create(C1)), a2, Vector256.Create(C2)) * a2, a2,
                                           Vector256.FusedMultiplyAdd(a2, Vector256.Create(-0.5f), Vector256<float>.One));
        var quadrant = Vector256.ConvertToInt32Native(j);
        var swap = Vector256.Equals(quadrant & Vector256<int>.One, Vector256<int>.One).AsSingle();
        var sin = Vector256.ConditionalSelect(swap, c, s);
        var cos = Vector256.ConditionalSelect(swap, s, c);
        sin = (sin.AsInt32() ^ ((quadrant & Vector256.Create(2)) << 30)).AsSingle();
        cos = (cos.AsInt32() ^ (((quadrant + Vector256<int>.One) & Vector256.Create(2)) << 30)).AsSingle();
        return (r, cos, sin);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> R, Vector128<float> Cos, Vector128<float> Sin) Invoke(Vector128<float> u1, Vector128<float> u2)
    {
        var x = Vector128<float>.One - u1;
        var bits = x.AsInt32();
        var e = Vector128.ConvertToSingle((bits >> 23) - Vector128.Create(126));
        var m = ((bits & Vector128.Create(unchecked((int)0x807FFFFF))) | Vector128.Create(0x3F000000)).AsSingle();
        var small = Vector128.LessThan(m, Vector128.Create(SqrtHalf));
        e -= small & Vector128<float>.One;
        m = m + (small & m) - Vector128<float>.One;
        var z = m * m;
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(L0), m, Vector128.Create(L1));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L2));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L3));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L4));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L5));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L6));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L7));
        p = Vector128.FusedMultiplyAdd(p, m, Vector128.Create(L8));
        var y = p * m * z;
        y = Vector128.FusedMultiplyAdd(e, Vector128.Create(Ln2Low), y);
        y = Vector128.FusedMultiplyAdd(z, Vector128.Create(-0.5f), y);
        var log = Vector128.FusedMultiplyAdd(e, Vector128.Create(Ln2High), m + y);
        var r = Vector128.Sqrt(log * Vector128.Create(-2f));

        var j = Vector128.Round(u2 * Vector128.Create(4f));
        var a = (u2 - j * Vector128.Create(0.25f)) * Vector128.Create(TwoPi);
        var a2 = a * a;
        var s = Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.Create(S0), a2, Vector128.Create(S1)), a2, Vector128.Create(S2)) * a2, a, a);
        var c = Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.FusedMultiplyAdd(Vector128.Create(C0), a2, Vector128.Create(C1)), a2, Vector128.Create(C2)) * a2, a2,
                                           Vector128.FusedMultiplyAdd(a2, Vector128.Create(-0.5f), Vector128<float>.One));
        var quadrant = Vector128.ConvertToInt32Native(j);
        var swap = Vector128.Equals(quadrant & Vector128<int>.One, Vector128<int>.One).AsSingle();
        var sin = Vector128.ConditionalSelect(swap, c, s);
        var cos = Vector128.ConditionalSelect(swap, s, c);
        sin = (sin.AsInt32() ^ ((quadrant & Vector128.Create(2)) << 30)).AsSingle();
        cos = (cos.AsInt32() ^ (((quadrant + Vector128<int>.One) & Vector128.Create(2)) << 30)).AsSingle();
        return (r, cos, sin);
    }

    public static (float R, float Cos, float Sin) Reference(float u1, float u2)
    {
        float x = 1f - u1;
        int bits = BitConverter.SingleToInt32Bits(x);
        float e = (bits >> 23) - 126;
        float m = BitConverter.Int32BitsToSingle((bits & unchecked((int)0x807FFFFF)) | 0x3F000000);
        if (m < SqrtHalf)
        {
            e -= 1;
            m = m + m - 1;
        }
        else m -= 1;
        float z = m * m;
        float p = MathF.FusedMultiplyAdd(L0, m, L1);
        p = MathF.FusedMultiplyAdd(p, m, L2);
        p = MathF.FusedMultiplyAdd(p, m, L3);
        p = MathF.FusedMultiplyAdd(p, m, L4);
        p = MathF.FusedMultiplyAdd(p, m, L5);
        p = MathF.FusedMultiplyAdd(p, m, L6);
        p = MathF.FusedMultiplyAdd(p, m, L7);
        p = MathF.FusedMultiplyAdd(p, m, L8);
        float y = p * m * z;
        y = MathF.FusedMultiplyAdd(e, Ln2Low, y);
        y = MathF.FusedMultiplyAdd(z, -0.5f, y);
        float log = MathF.FusedMultiplyAdd(e, Ln2High, m + y);
        float r = MathF.Sqrt(log * -2f);

        float j = MathF.Round(u2 * 4f);
        float a = (u2 - j * 0.25f) * TwoPi;
        float a2 = a * a;
        float s = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(S0, a2, S1), a2, S2) * a2, a, a);
        float c = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(C0, a2, C1), a2, C2) * a2, a2, MathF.FusedMultiplyAdd(a2, -0.5f, 1f));
        int quadrant = (int)j;
        float sin = (quadrant & 1) != 0 ? c : s, cos = (quadrant & 1) != 0 ? s : c;
        if ((quadrant & 2) != 0) sin = -sin;
        if (((quadrant + 1) & 2) != 0) cos = -cos;
        return (r, cos, sin);
    }
}
