namespace SimdSfnn.Nn.Estimation;

/// An estimator whose signal depends on statistics it carries from step to step (G1's moving
/// averages). A checkpoint saves that state so that a resumed run continues bit-for-bit.
public interface IStatefulEstimator
{
    /// The state of hidden layer `hiddenLayer` as floats; empty before the first step.
    float[] SaveState(int hiddenLayer);

    /// Puts back what `SaveState` returned; false (and nothing changed) when `state` cannot
    /// be this layer's state (wrong length, a value that is not finite).
    bool RestoreState(int hiddenLayer, ReadOnlySpan<float> state);
}
