using SimdSfnn.Tensors;

namespace SimdSfnn.Nn;

/// Gradient ascent with classical momentum (the paper's optimiser, momentum 0.9):
/// `v = mu v + lr g; theta = theta + v`.
public sealed class MomentumSgd(Parameters parameters, float momentum = 0.9f)
{
    public float Momentum { get; } = momentum;
    public float[] Velocity { get; } = new float[parameters.Data.Length];

    /// Takes one step; returns whether every parameter is still finite after it.
    public bool Step(ReadOnlySpan<float> gradient, float learningRate)
    {
        if (gradient.Length != Velocity.Length) throw new ArgumentException("gradient length differs from the parameters'");
        return MomentumUpdate.Apply(parameters.Data, Velocity, gradient, Momentum, learningRate);
    }
}
