using System.Diagnostics.CodeAnalysis;

namespace SimdSfnn.Tensors;

/// Throw helpers kept out of line so that kernels stay small enough to inline.
internal static class SfnnThrow
{
    [DoesNotReturn]
    public static void ArgumentLength(string name, int actual, int expected) =>
        throw new ArgumentException($"{name} has length {actual}, expected {expected}", name);

    [DoesNotReturn]
    public static void DestinationTooShort(string name = "destination") =>
        throw new ArgumentException("destination is too short", name);

    [DoesNotReturn]
    public static void Argument(string message, string? name = null) =>
        throw new ArgumentException(message, name);

    [DoesNotReturn]
    public static void InvalidData(string message) => throw new InvalidDataException(message);
}
