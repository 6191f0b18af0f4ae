// RandomStream: 16 independent lanes of xoshiro128++ (Blackman & Vigna 2019, "Scrambled
// linear pseudorandom number generators"), stepped together in one Vector512<uint> per state word.
//   NextBlock       16 raw 32-bit outputs, lane i = lane i's next output
//   NextUniform     floats in [0, 1) from the top 24 bits, ceil(n / 16) whole blocks
//   NextUniformHalf / NextUniformQuarter   one block as two 8-lane or four 4-lane parts, for the
//                   Vector256 and Vector128 kernels: the same numbers on every path
// Element i of a stream is lane i % 16 of block i / 16; RandomStreamReference computes the
// same numbers lane by lane in scalar code. Seeding: SplitMix64 (Steele, Lea & Flood 2014)
// over (seed, stream), so every (seed, stream) pair is an independent stream.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

public struct RandomStream
{
    public const int Lanes = 16;
    Vector512<uint> s0, s1, s2, s3;

    public static RandomStream Create(ulong seed, ulong stream)
    {
        Span<uint> words = stackalloc uint[4 * Lanes];
        RandomStreamReference.SeedWords(seed, stream, words);
        return new RandomStream
        {
            s0 = Vector512.Create<uint>(words[..16]),
            s1 = Vector512.Create<uint>(words.Slice(16, 16)),
            s2 = Vector512.Create<uint>(words.Slice(32, 16)),
            s3 = Vector512.Create<uint>(words.Slice(48, 16)),
        };
    }

    /// The next 16 outputs, one per lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<uint> NextBlock()
    {
        // --- (1) output: rotl(s0 + s3, 7) + s0
        var result = RotateLeft(s0 + s3, 7) + s0;
        // --- (2) state transition
        var t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 11);
        return result;
    }

    /// One instruction with AVX-512 (the JIT does not fuse the two shifts and the or into it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<uint> RotateLeft(Vector512<uint> x, byte bits) =>
        Avx512F.IsSupported ? Avx512F.RotateLeft(x, bits) : (x << bits) | (x >>> (32 - bits));

    /// 16 floats in [0, 1): `(bits >> 8) * 2^-24`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> NextUniformBlock() =>
        Vector512.ConvertToSingle((NextBlock() >>> 8).AsInt32()) * (1f / (1 << 24));

    /// Lanes 8 half .. 8 half + 7 of the next block as uniforms. The lanes are independent
    /// generators, so a block drawn as half 0 and then half 1 steps every lane once, as
    /// `NextUniformBlock` does; draw both halves of each block, in either order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> NextUniformHalf(int half)
    {
        ref var w0 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector256<uint>>(ref s0), half);
        ref var w1 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector256<uint>>(ref s1), half);
        ref var w2 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector256<uint>>(ref s2), half);
        ref var w3 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector256<uint>>(ref s3), half);
        var sum = w0 + w3;
        var result = ((sum << 7) | (sum >>> 25)) + w0;
        var t = w1 << 9;
        w2 ^= w0;
        w3 ^= w1;
        w1 ^= w2;
        w0 ^= w3;
        w2 ^= t;
        w3 = (w3 << 11) | (w3 >>> 21);
        return Vector256.ConvertToSingle((result >>> 8).AsInt32()) * (1f / (1 << 24));
    }

    /// Lanes 4 quarter .. 4 quarter + 3 of the next block as uniforms; as `NextUniformHalf`, draw
    /// all four quarters of each block.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> NextUniformQuarter(int quarter)
    {
        ref var w0 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector128<uint>>(ref s0), quarter);
        ref var w1 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector128<uint>>(ref s1), quarter);
        ref var w2 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector128<uint>>(ref s2), quarter);
        ref var w3 = ref Unsafe.Add(ref Unsafe.As<Vector512<uint>, Vector128<uint>>(ref s3), quarter);
        var sum = w0 + w3;
        var result = ((sum << 7) | (sum >>> 25)) + w0;
        var t = w1 << 9;
        w2 ^= w0;
        w3 ^= w1;
        w1 ^= w2;
        w0 ^= w3;
        w2 ^= t;
        w3 = (w3 << 11) | (w3 >>> 21);
        return Vector128.ConvertToSingle((result >>> 8).AsInt32()) * (1f / (1 << 24));
    }

    /// `destination[i]` = element i of the stream as a uniform in [0, 1).
    public void NextUniform(Span<float> destination)
    {
        int i = 0;
        for (; i + Lanes <= destination.Length; i += Lanes)
            NextUniformBlock().StoreUnsafe(ref destination[i]);
        if (i < destination.Length)
        {
            Span<float> last = stackalloc float[Lanes];
            NextUniformBlock().CopyTo(last);
            last[..(destination.Length - i)].CopyTo(destination[i..]);
        }
    }

    /// Lane 0 of the next block (the other lanes are discarded).
    public uint NextUInt32() => NextBlock().GetElement(0);
}

/// Scalar xoshiro128++ per lane, producing exactly the numbers of `RandomStream`.
internal sealed class RandomStreamReference
{
    readonly uint[] state = new uint[4 * RandomStream.Lanes]; // [word * 16 + lane]

    public RandomStreamReference(ulong seed, ulong stream) => SeedWords(seed, stream, state);

    internal static void SeedWords(ulong seed, ulong stream, Span<uint> words)
    {
        ulong x = seed ^ (stream * 0xD1B54A32D192ED03UL) ^ 0x5851F42D4C957F2DUL;
        for (int lane = 0; lane < RandomStream.Lanes; lane++)
        {
            // xoshiro's state must not be all zero; SplitMix64 outputs make that vanishingly unlikely,
            // and the fix-up keeps it impossible.
            ulong a = SplitMix64(ref x), b = SplitMix64(ref x);
            if ((a | b) == 0) a = 1;
            words[lane] = (uint)a;
            words[16 + lane] = (uint)(a >> 32);
            words[32 + lane] = (uint)b;
            words[48 + lane] = (uint)(b >> 32);
        }
    }

    static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public uint NextLane(int lane)
    {
        ref uint s0 = ref state[lane], s1 = ref state[16 + lane], s2 = ref state[32 + lane], s3 = ref state[48 + lane];
        uint result = uint.RotateLeft(s0 + s3, 7) + s0;
        uint t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
        s3 = uint.RotateLeft(s3, 11);
        return result;
    }

    /// Element by element as the vector stream defines it: whole 16-lane blocks.
    public void NextUniform(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i += RandomStream.Lanes)
            for (int lane = 0; lane < RandomStream.Lanes; lane++)
            {
                float u = (NextLane(lane) >> 8) * (1f / (1 << 24));
                if (i + lane < destination.Length) destination[i + lane] = u;
            }
    }
}
