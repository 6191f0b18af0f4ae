using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

/// The instruction sets a kernel has a path for.
public enum Isa { Scalar, Vector512 }

/// Which kernel path runs: the best this CPU accelerates, or the one named by the environment
/// variable `SFNN_FORCE_KERNEL` (`Scalar`, `Vector512`). Tests set it to run every path.
public static class KernelIsa
{
    public static Isa Best { get; } = Vector512.IsHardwareAccelerated ? Isa.Vector512 : Isa.Scalar;

    public static Isa Current { get; set; } =
        Enum.TryParse<Isa>(Environment.GetEnvironmentVariable("SFNN_FORCE_KERNEL"), ignoreCase: true, out var forced) ? forced : Best;

    /// Every path this CPU can run, the scalar one first.
    public static IReadOnlyList<Isa> Supported { get; } = Best == Isa.Vector512 ? [Isa.Scalar, Isa.Vector512] : [Isa.Scalar];

    internal static bool UseVector512 => Current == Isa.Vector512;
}
