using SimdSfnn.IO.Data;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Training;

/// The training and test sets of a task, preprocessed as Raiko et al. 2014, section 3.
/// `InputMean` is what the classifier subtracts from every input (null for the structured task,
/// whose inputs are binary); `DataSha256` the data set's identity (`Dataset.Sha256`).
/// `HeldOut`, when asked for, is the end of the training file, kept out of training so that a
/// setting can be chosen on it rather than on the test set.
internal sealed record TaskData(ExampleSet Train, ExampleSet Test, OutputHead Head, double[]? InputMean, string[] DataSha256)
{
    public ExampleSet? HeldOut { get; init; }

    public NetworkShape Shape(RunSettings settings) => new([Train.Inputs, .. settings.Layers, Train.Outputs], Head, settings.UnitKinds());

    /// The task's sets; the classifier subtracts `inputMean` where given (a checkpoint's), else
    /// the mean of the training images it trains on. `holdOut` examples at the end of the first
    /// `trainLimit` (all, for 0) become `HeldOut` instead of training examples.
    public static TaskData Load(TaskKind task, Dataset data, int trainLimit, ulong seed, double[]? inputMean = null, int holdOut = 0)
    {
        int available = Limit(data.TrainImages.Count, trainLimit);
        if (holdOut > 0 && holdOut >= available)
            throw new BadInputException($"holding out {holdOut} examples leaves none of the {available} training examples to train on");
        var split = new TrainingSplit(available - holdOut, holdOut);
        return task switch
        {
            TaskKind.Classify => Classification(data, split, inputMean),
            _ => Structured(data, split, seed),
        };
    }

    /// The first `Train` examples of the training file are trained on, the next `HeldOut` scored.
    readonly record struct TrainingSplit(int Train, int HeldOut);

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
    static TaskData Classification(Dataset data, TrainingSplit split, double[]? inputMean)
    {
        var train = data.TrainImages;
        int D = train.Rows * train.Columns;
        int classes = Math.Max(data.ClassCount, 2);
        var mean = inputMean ?? TrainingMean(data, split.Train);
        if (mean.Length != D) throw new BadInputException($"the input mean holds {mean.Length} pixels, but the images have {D}");
        ExampleSet Centred(IdxImages images, byte[] labels, int first, int count) =>
            new(Centered(images.Pixels.Span[(first * D)..], count, D, mean), count, D, Labels(labels.AsSpan(first), count), null, classes);
        return new TaskData(Centred(train, data.TrainLabels, 0, split.Train), Centred(data.TestImages, data.TestLabels, 0, data.TestImages.Count),
                            OutputHead.Softmax, mean, data.Sha256())
        {
            HeldOut = split.HeldOut > 0 ? Centred(train, data.TrainLabels, split.Train, split.HeldOut) : null,
        };
    }

    /// Section 3.2: each pixel binarised once by sampling it with its grey value as probability
    /// (seeded, so the data set is reproducible); the upper half is the input, the lower the target.
    static TaskData Structured(Dataset data, TrainingSplit split, ulong seed)
    {
        var train = data.TrainImages;
        if (train.Rows % 2 != 0) throw new BadInputException($"the structured task splits images in halves, but they have {train.Rows} rows");
        return new TaskData(Halves(train, 0, split.Train, seed, 0), Halves(data.TestImages, 0, data.TestImages.Count, seed, 1), OutputHead.Bernoulli,
                            null, data.Sha256())
        {
            HeldOut = split.HeldOut > 0 ? Halves(train, split.Train, split.HeldOut, seed, 0) : null,
        };
    }

    /// Examples `first .. first + count` of `images`; each image's binarisation is keyed by its
    /// index in the file, so an example is the same whether it is trained on or held out.
    static ExampleSet Halves(IdxImages images, int first, int count, ulong seed, ulong split)
    {
        int D = images.Rows * images.Columns, half = D / 2;
        var x = LargeArray.Floats(count * half);
        var y = LargeArray.Floats(count * half);
        var pixel = new float[D];
        var bits = new float[D];
        var grey = images.Pixels.Span;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < D; j++) pixel[j] = grey[(first + i) * D + j] / 255f;
            var stream = RandomStream.Create(seed, (0xB1UL << 56) | (split << 40) | (uint)(first + i));
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

    static int[] Labels(ReadOnlySpan<byte> labels, int count)
    {
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = labels[i];
        return result;
    }
}
