namespace SimdSfnn.Nn.Data;

/// The four IDX files of an MNIST-shaped data set.
public sealed record Dataset(IdxImages TrainImages, byte[] TrainLabels, IdxImages TestImages, byte[] TestLabels)
{
    /// One more than the largest label in either split.
    public int ClassCount => Math.Max(Max(TrainLabels), Max(TestLabels)) + 1;

    static int Max(byte[] labels) => labels.Length == 0 ? 0 : labels.Max();
}
