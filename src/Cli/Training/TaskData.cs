using SimdSfnn.IO.Data;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// The training and test sets of a task, preprocessed as Raiko et al. 2014, section 3.
/// `InputMean` is what the classifier subtracts from every input (null for the structured task,
/// whose inputs are binary); `DataSha256` the data set's identity (`Dataset.Sha256`).
internal sealed record TaskData(ExampleSet Train, ExampleSet Test, OutputHead Head, double[]? InputMean, string[] DataSha256)
{
    public NetworkShape Shape(int[] hidden) => new([Train.Inputs, .. hidden, Train.Outputs], Head);

    /// The task's sets; the classifier subtracts `inputMean` where given (a checkpoint's), else
    /// the mean of the training images it uses.
    public static TaskData Load(TaskKind task, Dataset data, int trainLimit, ulong seed, double[]? inputMean = null) => task switch
    {
        TaskKind.Classify => Classification(data, trainLimit, inputMean),
        _ => Structured(data, trainLimit, seed),
    };

    /// The per-pixel mean of the first `trainLimit` (all, for 0) training images, scaled to [0, 1].
    public static double[] TrainingMean(Dataset data, int trainLimit)
    {
        var train = data.TrainImages;
        int D = train.Rows * train.Columns, N = Limit(train.Count, trainLimit);
        var mean = new double[D];
        var pixels = train.Pixels.Span;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < D; j++) mean[j] += pixels[i * D + j];
        for (int j = 0; j < D; j++) mean[j] /= 255.0 * N;
        return mean;
    }

    /// Section 3.1: pixels scaled to [0, 1], the training mean of each pixel subtracted.
    static TaskData Classification(Dataset data, int trainLimit, double[]? inputMean)
    {
        var train = data.TrainImages;
        int D = train.Rows * train.Columns, N = Limit(train.Count, trainLimit);
        int classes = Math.Max(data.ClassCount, 2);
        var mean = inputMean ?? TrainingMean(data, trainLimit);
        if (mean.Length != D) throw new BadInputException($"the input mean holds {mean.Length} pixels, but the images have {D}");
        return new TaskData(
            new ExampleSet(Centered(train.Pixels.Span, N, D, mean), N, D, Labels(data.TrainLabels, N), null, classes),
            new ExampleSet(Centered(data.TestImages.Pixels.Span, data.TestImages.Count, D, mean), data.TestImages.Count, D,
                           Labels(data.TestLabels, data.TestImages.Count), null, classes),
            OutputHead.Softmax, mean, data.Sha256());
    }

    /// Section 3.2: each pixel binarised once by sampling it with its grey value as probability
    /// (seeded, so the data set is reproducible); the upper half is the input, the lower the target.
    static TaskData Structured(Dataset data, int trainLimit, ulong seed)
    {
        var train = data.TrainImages;
        if (train.Rows % 2 != 0) throw new BadInputException($"the structured task splits images in halves, but they have {train.Rows} rows");
        int N = Limit(train.Count, trainLimit);
        return new TaskData(Halves(train, N, seed, 0), Halves(data.TestImages, data.TestImages.Count, seed, 1), OutputHead.Bernoulli,
                            null, data.Sha256());
    }

    static ExampleSet Halves(IdxImages images, int count, ulong seed, ulong split)
    {
        int D = images.Rows * images.Columns, half = D / 2;
        var x = LargeArray.Floats(count * half);
        var y = LargeArray.Floats(count * half);
        var pixel = new float[D];
        var bits = new float[D];
        var grey = images.Pixels.Span;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < D; j++) pixel[j] = grey[i * D + j] / 255f;
            var stream = RandomStream.Create(seed, (0xB1UL << 56) | (split << 40) | (uint)i);
            BernoulliSample.Sample(pixel, ref stream, bits);
            bits.AsSpan(0, half).CopyTo(x.AsSpan(i * half, half));
            bits.AsSpan(half, half).CopyTo(y.AsSpan(i * half, half));
        }
        return new ExampleSet(x, count, half, null, y, half);
    }

    static int Limit(int count, int limit) => limit > 0 ? Math.Min(count, limit) : count;

    static float[] Centered(ReadOnlySpan<byte> pixels, int count, int D, double[] mean)
    {
        var x = LargeArray.Floats(count * D);
        for (int i = 0; i < count; i++)
            for (int j = 0; j < D; j++) x[i * D + j] = (float)(pixels[i * D + j] / 255.0 - mean[j]);
        return x;
    }

    static int[] Labels(byte[] labels, int count)
    {
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = labels[i];
        return result;
    }
}
