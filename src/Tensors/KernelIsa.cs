using System.Runtime.Intrinsics;
namespace SimdSfnn.Tensors;
public enum Isa { Scalar, Vector256, Vector512 }
public static class KernelIsa
{
    public static Isa Current { get; set; } = Vector512.IsHardwareAccelerated ? Isa.Vector512 : Vector256.IsHardwareAccelerated ? Isa.Vector256 : Isa.Scalar;
}
