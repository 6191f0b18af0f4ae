using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Commands;

/// The dense matrix products a training step cannot do without, in FLOPs: back-propagation at
/// the network's shapes with the first layer once per example (its M samples share `a_1` and,
/// in `G(W_1)`, the input) and every other layer once per sample. Layer 0: the forward and the
/// weight gradient over B rows; layer l >= 1: the forward, the input gradient and the weight
/// gradient over B M rows. Time at the measured FMA peak is the floor a step's time is held to
/// (the sums from differences and the sampling are left out, so a step can beat it only by
/// skipping products).
static class DenseFloor
{
    public static double FlopsPerStep(NetworkShape shape, int batch, int samples)
    {
        double flops = 2.0 * 2 * batch * shape.Sizes[0] * shape.Sizes[1];
        for (int l = 1; l < shape.Sizes.Length - 1; l++)
            flops += 3 * 2.0 * batch * samples * shape.Sizes[l] * shape.Sizes[l + 1];
        return flops;
    }
}
