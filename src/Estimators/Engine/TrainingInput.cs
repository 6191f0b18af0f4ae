using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Estimators.Engine;

/// An example's input as a training step sees it: x plus Gaussian noise of deviation
/// `inputNoise` (Raiko et al. 2014, section 3.1) drawn from the example's own stream, keyed by
/// (seed, epoch, example), so that the draws do not depend on how the work is split.
public static class TrainingInput
{
    /// Writes example `index`'s input into `destination` and returns its stream, positioned after
    /// the noise (its hidden samples come next).
    public static RandomStream Load(ExampleSet data, int index, ulong seed, int epoch, float inputNoise, Span<float> destination)
    {
        var stream = RandomStream.Create(seed, StreamId.Training(epoch, index));
        if (inputNoise > 0) Gaussian.AddNoise(data.Input(index), inputNoise, ref stream, destination);
        else data.Input(index).CopyTo(destination);
        return stream;
    }
}
