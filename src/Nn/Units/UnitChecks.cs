using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Units;

/// The length checks every unit makes: the noise and the output cover the pre-activations.
internal static class UnitChecks
{
    public static void Lengths(ReadOnlySpan<float> a, ReadOnlySpan<float> noise, ReadOnlySpan<float> output)
    {
        if (noise.Length < a.Length) SfnnThrow.Argument("the noise is shorter than the pre-activations", nameof(noise));
        if (output.Length < a.Length) SfnnThrow.DestinationTooShort();
    }
}
