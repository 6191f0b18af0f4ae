using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

/// The instruction sets a kernel has a path for, narrowest first.
///   Scalar      the references, any CPU
///   Vector128   the cross-platform Vector128 API only (no X86 intrinsics): ARM64's AdvSimd, or SSE on x86
///   Vector256   AVX2 and FMA, 16 ymm registers (Zen 2/3, Intel client chips)
///   Vector512   AVX-512, 32 zmm registers
public enum Isa { Scalar, Vector128, Vector256, Vector512 }

/// Which kernel path runs: the widest this CPU accelerates, or the one named by the environment
/// variable `SFNN_FORCE_KERNEL` (any `Isa` name). Tests set `Current` to run every path.
public static class KernelIsa
{
    public static Isa Best { get; } =
        Vector512.IsHardwareAccelerated ? Isa.Vector512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? Isa.Vector256
        : Vector128.IsHardwareAccelerated ? Isa.Vector128
        : Isa.Scalar;

    /// Every path this CPU can run, narrowest first: the wider paths' instructions include the
    /// narrower ones'.
    public static IReadOnlyList<Isa> Supported { get; } = Enum.GetValues<Isa>().Where(isa => isa <= Best).ToArray();

    /// Why `SFNN_FORCE_KERNEL` could not be followed (an unknown name or a path this CPU cannot
    /// run), in one line; null when it is unset or followed. `Current` is then `Best`.
    public static string? ForcedProblem => forced.Problem;

    static readonly (Isa Isa, string? Problem) forced = Forced();
    static Isa current = forced.Isa;

    /// The path the kernels take; setting one this CPU cannot run throws.
    public static Isa Current
    {
        get => current;
        set
        {
            if (value > Best || !Enum.IsDefined(value)) SfnnThrow.Argument($"this CPU cannot run the {value} kernels (it runs {string.Join(", ", Supported)})", nameof(value));
            current = value;
        }
    }

    /// The path a process runs without tests switching it: the forced one, else `Best`.
    public static Isa Default => forced.Isa;

    static (Isa, string?) Forced()
    {
        string? name = Environment.GetEnvironmentVariable("SFNN_FORCE_KERNEL");
        if (string.IsNullOrEmpty(name)) return (Best, null);
        if (!Enum.TryParse<Isa>(name, ignoreCase: true, out var isa) || !Enum.IsDefined(isa) || !char.IsLetter(name.Trim()[0]))
            return (Best, $"SFNN_FORCE_KERNEL={name} names no kernel path; use one of {string.Join(", ", Enum.GetNames<Isa>())}");
        if (isa > Best)
            return (Best, $"SFNN_FORCE_KERNEL={name}: this CPU cannot run the {isa} kernels (it runs {string.Join(", ", Supported)})");
        return (isa, null);
    }

    internal static bool UseVector512 => current == Isa.Vector512;
    internal static bool UseVector256 => current == Isa.Vector256;
    internal static bool UseVector128 => current == Isa.Vector128;
}
