using SimdSfnn.Nn;
using SimdSfnn.Nn.Gated;

namespace SimdSfnn.Cli.Gated;

/// The test-time gate threshold (units.md: "a threshold tuned so that 10% of the gates are on"):
/// the `1 - s` quantile of the deterministic gate values `E[h | a]` over the held-out examples.
internal static class GatedThreshold
{
    public static float Tune(GatedStep step, GatedParameters theta, ExampleSet heldOut, float[] values)
    {
        int G = theta.Shape.Gates;
        int n = Math.Min(heldOut.Count, values.Length / G);
        step.Evaluate(theta, heldOut, 0, n, 0f, values);
        var all = values.AsSpan(0, n * G);
        all.Sort();
        // the value with a fraction s of the gates at or above it
        int at = Math.Clamp((int)Math.Floor((1 - step.Settings.Sparsity) * all.Length), 0, all.Length - 1);
        return Math.Max(all[at], float.Epsilon);
    }
}
