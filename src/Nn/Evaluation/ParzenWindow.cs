using System.Diagnostics;
using System.Numerics.Tensors;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Evaluation;

/// The Parzen window estimator of a model's samples (Breuleux, Bengio & Vincent 2011, as used
/// in Bengio et al. 2013, Table 1): an isotropic Gaussian of width sigma on each of the N
/// samples mu_i, so that for an image x of D pixels
///   log p(x) = logmeanexp_i(-||x - mu_i||^2 / (2 sigma^2)) - D log sigma - (D/2) log(2 pi).
/// The squared distances of a block of images to every sample come from one product through
/// the engine's matrix kernel, ||x - mu||^2 = ||x||^2 + ||mu||^2 - 2 x . mu, and each block is
/// scored at every sigma before the next is computed: the distances are computed once per set
/// whatever the grid, without holding the whole N x images matrix (400 MB for 10000 x 10000).
/// Workers take blocks of images in turn; an image's numbers do not depend on which worker took
/// it, so the result is the same for every thread count.
public sealed class ParzenWindow : IShardedWork
{
    /// Images per block: a multiple of the product's 6-row tile, and 96 x 10000 floats (3.8 MB)
    /// per worker.
    const int BlockRows = 96;

    readonly WorkerPool pool;
    readonly float[] mu;             // (N, D), row-major
    readonly PackedWeights? packed;  // mu packed once as the product's right operand
    readonly float[] muNorms;        // ||mu_i||^2, (N)
    readonly float[][] products;     // per worker: x . mu_i, then ||x - mu_i||^2, (BlockRows, N)
    float[] x = [];                  // the images being scored, (count, D)
    int count;
    double[] scales = [];            // 1 / (2 sigma^2) per sigma
    double[][] logDensities = [];    // per sigma, per image: logmeanexp_i(-scale ||x - mu_i||^2)
    int nextBlock;
    long productTicks, scoringTicks;

    /// `samples` holds N rows of `width` values (the mu_i), copied here.
    public ParzenWindow(ReadOnlySpan<float> samples, int width, WorkerPool pool)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (samples.Length == 0 || samples.Length % width != 0)
            SfnnThrow.Argument($"the samples hold {samples.Length} values, not a positive number of rows of {width}");
        this.pool = pool;
        Width = width;
        Samples = samples.Length / width;
        mu = samples.ToArray();
        muNorms = new float[Samples];
        for (int i = 0; i < Samples; i++)
        {
            var row = mu.AsSpan(i * width, width);
            muNorms[i] = TensorPrimitives.Dot(row, row);
        }
        // the packed layout exists only for more than 16 rows; fewer go through the narrow kernel
        if (Samples > MatMul.NarrowWidth)
        {
            packed = new PackedWeights(width, Samples);
            MatMul.PackForward(mu, packed);
        }
        products = new float[pool.ThreadCount][];
        for (int t = 0; t < products.Length; t++) products[t] = new float[BlockRows * Samples];
    }

    /// N, the number of samples.
    public int Samples { get; }
    /// D, the values per image.
    public int Width { get; }

    /// Seconds the workers spent, all together, in the products and in the log-mean-exps of
    /// every `LogDensities` so far (where the time goes, for progress lines and speed notes).
    public (double Products, double Scoring) WorkerSeconds =>
        ((double)productTicks / Stopwatch.Frequency, (double)scoringTicks / Stopwatch.Frequency);

    /// The Parzen log-density of each of the `images.Length / Width` images at each sigma:
    /// `result[s][n] = log p(x_n)` at `sigmas[s]` (nats).
    public double[][] LogDensities(float[] images, IReadOnlyList<double> sigmas)
    {
        if (images.Length % Width != 0) SfnnThrow.Argument($"the images hold {images.Length} values, not rows of {Width}");
        foreach (double sigma in sigmas)
            if (!(sigma > 0) || !double.IsFinite(sigma)) SfnnThrow.Argument($"sigma must be positive and finite, got {sigma}");
        x = images;
        count = images.Length / Width;
        scales = sigmas.Select(s => 1 / (2 * s * s)).ToArray();
        logDensities = sigmas.Select(_ => new double[count]).ToArray();
        nextBlock = 0;
        pool.Run(this);
        // the Gaussian's normaliser: -D log sigma - (D/2) log(2 pi)
        for (int s = 0; s < scales.Length; s++)
        {
            double normaliser = -Width * Math.Log(sigmas[s]) - Width / 2.0 * Math.Log(2 * Math.PI);
            var row = logDensities[s];
            for (int n = 0; n < count; n++) row[n] += normaliser;
        }
        x = [];
        return logDensities;
    }

    void IShardedWork.Run(int shard)
    {
        var product = products[shard];
        int N = Samples, D = Width;
        for (int block; (block = Interlocked.Increment(ref nextBlock) - 1) * BlockRows < count;)
        {
            int first = block * BlockRows, B = Math.Min(BlockRows, count - first);
            var xBlock = x.AsSpan(first * D, B * D);
            var c = product.AsSpan(0, B * N); // (B, N): x_n . mu_i
            long started = Stopwatch.GetTimestamp();
            if (packed is not null) MatMul.Forward(xBlock, packed, c, B);
            else MatMul.Forward(xBlock, mu, c, B, D, N);
            long multiplied = Stopwatch.GetTimestamp();
            for (int r = 0; r < B; r++)
            {
                var d = c.Slice(r * N, N);
                var xRow = xBlock.Slice(r * D, D);
                // ||x - mu_i||^2 = ||mu_i||^2 - 2 x . mu_i + ||x||^2; rounding can take an exact
                // match a little below 0, where no distance is
                TensorPrimitives.MultiplyAdd(d, -2f, muNorms, d);
                TensorPrimitives.Add(d, TensorPrimitives.Dot(xRow, xRow), d);
                TensorPrimitives.Max(d, 0f, d);
                float smallest = TensorPrimitives.Min(d);
                for (int s = 0; s < scales.Length; s++)
                    logDensities[s][first + r] = ScaledLogMeanExp.Compute(d, smallest, scales[s]);
            }
            Interlocked.Add(ref productTicks, multiplied - started);
            Interlocked.Add(ref scoringTicks, Stopwatch.GetTimestamp() - multiplied);
        }
    }
}
