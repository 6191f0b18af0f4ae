using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Training;

/// An example's input as a training step sees it: x plus Gaussian noise of deviation
/// `inputNoise` (Raiko et al. 2014, section 3.1) drawn from the example's own stream, keyed by
/// (seed, epoch, example), so that the draws do not depend on how the work is split.
public static class TrainingInput
{
    /// Writes example `index`'s input into `destination` and returns its stream, positioned after
    /// the noise (its hidden samples come next). `next`, the example to be loaded after this one
    /// (-1: none), is fetched meanwhile: a shuffled example's input comes from main memory (MNIST
    /// is 188 MB of floats), and this one's noise takes long enough to hide the wait.
    public static RandomStream Load(ExampleSet data, int index, ulong seed, int epoch, float inputNoise, Span<float> destination, int next = -1)
    {
        if (next >= 0) Prefetch.Lines(data.Input(next));
        var stream = RandomStream.Create(seed, StreamId.Training(epoch, index));
        if (inputNoise > 0) Gaussian.AddNoise(data.Input(index), inputNoise, ref stream, destination);
        else data.Input(index).CopyTo(destination);
        return stream;
    }
}
