using SimdSfnn.IO;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Gated;

/// The gated classifier's data: pixels scaled to [0, 1] with their labels; training on the first
/// five sixths of the training images (MNIST: train[0:50000]), the rest (train[50000:60000]) held
/// out to tune the test-time gate threshold; the test set.
internal sealed record GatedData(ExampleSet Train, ExampleSet HeldOut, ExampleSet Test, int Classes)
{
    /// `trainLimit` (0: all) cuts the training part to its first examples.
    public static GatedData Load(Dataset data, int trainLimit)
    {
        ArgumentNullException.ThrowIfNull(data);
        int split = (int)(data.TrainImages.Count * 5L / 6);
        if (split < 1 || split == data.TrainImages.Count)
            throw new BadInputException($"the gated classifier holds out the last sixth of the training images, and {data.TrainImages.Count} leave no part for one side");
        int train = trainLimit > 0 ? Math.Min(split, trainLimit) : split;
        return new GatedData(Scaled(data.TrainImages, data.TrainLabels, 0, train),
                             Scaled(data.TrainImages, data.TrainLabels, split, data.TrainImages.Count - split),
                             Scaled(data.TestImages, data.TestLabels, 0, data.TestImages.Count), data.ClassCount);
    }

    static ExampleSet Scaled(IdxImages images, byte[] labels, int first, int count)
    {
        int D = images.Rows * images.Columns;
        var x = LargeArray.Floats(count * D);
        var pixels = images.Pixels.Span.Slice(first * D, count * D);
        for (int i = 0; i < pixels.Length; i++) x[i] = pixels[i] / 255f;
        var y = new int[count];
        for (int i = 0; i < count; i++) y[i] = labels[first + i];
        return new ExampleSet(x, count, D, y, null, 0);
    }
}
