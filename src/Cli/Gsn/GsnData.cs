using SimdSfnn.IO;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Gsn;

/// The GSN's data (docs/spec/gsn.md, "Training protocol"): pixels scaled to [0, 1], real-valued;
/// training on the first five sixths of the training images (train[0:50000] of MNIST), the rest
/// (train[50000:60000]) held out; the test images for the sampling chain's start.
internal sealed record GsnData(ExampleSet Train, ExampleSet HeldOut, ExampleSet Test, string[] DataSha256)
{
    /// `trainLimit` (0: all) and `heldOutLimit` cut the two parts to their first examples.
    public static GsnData Load(Dataset data, int trainLimit, int heldOutLimit)
    {
        ArgumentNullException.ThrowIfNull(data);
        var images = data.TrainImages;
        int split = (int)(images.Count * 5L / 6);
        if (split < 1) throw new BadInputException($"the GSN trains on five sixths of the training images, and {images.Count} leave none");
        int train = trainLimit > 0 ? Math.Min(split, trainLimit) : split;
        int heldOut = Math.Min(images.Count - split, heldOutLimit);
        return new GsnData(Scaled(images, 0, train), Scaled(images, split, heldOut), Scaled(data.TestImages, 0, data.TestImages.Count), data.Sha256());
    }

    static ExampleSet Scaled(IdxImages images, int first, int count)
    {
        int D = images.Rows * images.Columns;
        var x = LargeArray.Floats(count * D);
        var pixels = images.Pixels.Span.Slice(first * D, count * D);
        for (int i = 0; i < pixels.Length; i++) x[i] = pixels[i] / 255f;
        return new ExampleSet(x, count, D, null, null, 0);
    }
}
