// Vec: the vector operations of the kernels written once for the Vector256 and Vector128 paths.
//   Vec256   Vector256<float>: AVX2 and FMA (X86 intrinsics where the portable API has no
//            equivalent: masked loads and stores)
//   Vec128   Vector128<float>: the portable Vector128 API only, so that the same code is ARM64's
//            AdvSimd path; masked access by whole lanes
// A kernel `K<TV, Vec>(...) where Vec : IVec<TV>` is compiled for each width with every call below
// inlined (generics over structs are never shared), so it runs as if written with that vector type
// itself; a generic cannot reach the vector types' operators, hence `Vec.Add(a, b)`. Wrapping the
// vector in a struct of our own would give back the operators, but the JIT then copied
// accumulators between registers on every FMA. The Vector512 kernels keep the code they had.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal unsafe interface IVec<TV> where TV : struct
{
    /// Floats per vector.
    static abstract int Count { get; }
    static abstract TV Create(float x);
    static abstract TV AllBitsSet { get; }
    static abstract TV Load(float* p);
    static abstract TV Load(ref readonly float p, nuint offset);
    static abstract void Store(TV v, float* p);
    static abstract void Store(TV v, ref float p, nuint offset);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    /// `a * b + c`, rounded once.
    static abstract TV Fma(TV a, TV b, TV c);
    static abstract TV Max(TV a, TV b);
    static abstract TV Abs(TV a);
    static abstract TV Sqrt(TV a);
    /// All bits set in the lanes where `a < b` (false for NaN).
    static abstract TV LessThan(TV a, TV b);
    /// All bits set in the lanes where `a == b`.
    static abstract TV Equals(TV a, TV b);
    static abstract TV And(TV a, TV b);
    /// `mask ? a : b` bit by bit.
    static abstract TV Select(TV mask, TV a, TV b);
    /// Whether every lane has all bits set.
    static abstract bool All(TV mask);
    /// The lanes where `|v| < inf`: neither infinite nor NaN.
    static abstract TV Finite(TV v);
    static abstract float Sum(TV v);
    static abstract float MaxLane(TV v);
    /// The runtime's `exp` and `log` (calls: the fused kernels inline `FastExp` instead).
    static abstract TV Exp(TV x);
    static abstract TV Log(TV x);
    /// `FastExp.Invoke`, inlined.
    static abstract TV FastExp(TV x);
    /// `SigmoidOp`, inlined.
    static abstract TV Sigmoid(TV a);
    /// `BoxMuller.Invoke`, inlined.
    static abstract (TV R, TV Cos, TV Sin) BoxMuller(TV u1, TV u2);
    /// Lanes below `count` set (none for `count <= 0`, all from `Count`).
    static abstract TV FirstLanes(int count);
    /// The last `count` lanes set (none for `count <= 0`, all from `Count`).
    static abstract TV LastLanes(int count);
    /// `p[0 .. count)` (count in [0, Count]) with zeros above, reading nothing past `p + count`.
    static abstract TV LoadFirst(float* p, int count);
    /// Writes lanes `[0, count)` of `v` to `p`, touching nothing past `p + count`.
    static abstract void StoreFirst(TV v, float* p, int count);
    /// `destination[c * destinationStride + r] = source[r * sourceStride + c]` for r, c < Count.
    static abstract void Transpose(float* source, nint sourceStride, float* destination, nint destinationStride);
    /// Bit i set when lane i of `mask` has its top bit set.
    static abstract uint Bits(TV mask);
    /// Writes `column + i` for each bit i of `bits` (below `Count`), ascending, to consecutive
    /// entries from `destination`, and returns how many; may write up to `Count` entries.
    static abstract int Columns(uint bits, int column, ref int destination);
    /// Part `part` (of `RandomStream.Lanes / Count`) of the stream's next block, as uniforms.
    static abstract TV NextUniform(ref RandomStream rng, int part);
}

internal readonly unsafe struct Vec256 : IVec<Vector256<float>>
{
    /// For each 8-bit mask, the lanes whose bit is set, ascending (the rest 0): compressing
    /// consecutive column numbers needs no shuffle, only this row plus the first column.
    static readonly int[] SetLanes = Lanes(8);

    internal static int[] Lanes(int count)
    {
        var table = new int[(1 << count) * count];
        for (int bits = 0; bits < 1 << count; bits++)
            for (int lane = 0, at = 0; lane < count; lane++)
                if ((bits >> lane & 1) != 0) table[bits * count + at++] = lane;
        return table;
    }

    public static int Count => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Create(float x) => Vector256.Create(x);
    public static Vector256<float> AllBitsSet { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<float>.AllBitsSet; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref readonly float p, nuint offset) => Vector256.LoadUnsafe(in p, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, ref float p, nuint offset) => v.StoreUnsafe(ref p, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sqrt(Vector256<float> a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Equals(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Vector256<float> mask) => mask.AsUInt32() == Vector256<uint>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Finite(Vector256<float> v) => Vector256.LessThan(Vector256.Abs(v), Vector256.Create(float.PositiveInfinity));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxLane(Vector256<float> v) => Vec128.MaxLane(Vector128.Max(v.GetLower(), v.GetUpper()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> x) => Vector256.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Log(Vector256<float> x) => Vector256.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FastExp(Vector256<float> x) => Tensors.FastExp.Invoke(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sigmoid(Vector256<float> a) => SigmoidOp.Invoke(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (Vector256<float> R, Vector256<float> Cos, Vector256<float> Sin) BoxMuller(Vector256<float> u1, Vector256<float> u2) => Tensors.BoxMuller.Invoke(u1, u2);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FirstLanes(int count) => Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LastLanes(int count) => Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(8 - count)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LoadFirst(float* p, int count) => Avx.MaskLoad(p, FirstLanes(count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreFirst(Vector256<float> v, float* p, int count) => Avx.MaskStore(p, FirstLanes(count), v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Transpose(float* source, nint sourceStride, float* destination, nint destinationStride) =>
        Tensors.Transpose.Block8(source, sourceStride, destination, destinationStride);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Bits(Vector256<float> mask) => mask.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Columns(uint bits, int column, ref int destination)
    {
        var lanes = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(SetLanes), bits * 8);
        (lanes + Vector256.Create(column)).StoreUnsafe(ref destination);
        return BitOperations.PopCount(bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> NextUniform(ref RandomStream rng, int part) => rng.NextUniformHalf(part);
}

internal readonly unsafe struct Vec128 : IVec<Vector128<float>>
{
    static readonly int[] SetLanes = Vec256.Lanes(4);

    public static int Count => 4;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Create(float x) => Vector128.Create(x);
    public static Vector128<float> AllBitsSet { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<float>.AllBitsSet; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref readonly float p, nuint offset) => Vector128.LoadUnsafe(in p, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> v, ref float p, nuint offset) => v.StoreUnsafe(ref p, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sqrt(Vector128<float> a) => Vector128.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LessThan(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Equals(Vector128<float> a, Vector128<float> b) => Vector128.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Select(Vector128<float> mask, Vector128<float> a, Vector128<float> b) => Vector128.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool All(Vector128<float> mask) => mask.AsUInt32() == Vector128<uint>.AllBitsSet;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Finite(Vector128<float> v) => Vector128.LessThan(Vector128.Abs(v), Vector128.Create(float.PositiveInfinity));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxLane(Vector128<float> v) => MathF.Max(MathF.Max(v[0], v[1]), MathF.Max(v[2], v[3]));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Exp(Vector128<float> x) => Vector128.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Log(Vector128<float> x) => Vector128.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FastExp(Vector128<float> x) => Tensors.FastExp.Invoke(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sigmoid(Vector128<float> a) => SigmoidOp.Invoke(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static (Vector128<float> R, Vector128<float> Cos, Vector128<float> Sin) BoxMuller(Vector128<float> u1, Vector128<float> u2) => Tensors.BoxMuller.Invoke(u1, u2);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FirstLanes(int count) => Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(count)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LastLanes(int count) => Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(4 - count)).AsSingle();

    /// No masked loads in the portable API: lane by lane below four.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadFirst(float* p, int count) =>
        count >= 4 ? Vector128.Load(p) : count <= 0 ? default : Vector128.Create(p[0], count > 1 ? p[1] : 0, count > 2 ? p[2] : 0, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector128<float> v, float* p, int count)
    {
        if (count >= 4) { v.Store(p); return; }
        if (count > 0) p[0] = v.GetElement(0);
        if (count > 1) p[1] = v.GetElement(1);
        if (count > 2) p[2] = v.GetElement(2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Transpose(float* source, nint sourceStride, float* destination, nint destinationStride) =>
        Tensors.Transpose.Block4(source, sourceStride, destination, destinationStride);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Bits(Vector128<float> mask) => mask.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Columns(uint bits, int column, ref int destination)
    {
        var lanes = Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(SetLanes), bits * 4);
        (lanes + Vector128.Create(column)).StoreUnsafe(ref destination);
        return BitOperations.PopCount(bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> NextUniform(ref RandomStream rng, int part) => rng.NextUniformQuarter(part);
}
