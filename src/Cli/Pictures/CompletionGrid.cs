using SimdSfnn.IO.Imaging;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Pictures;

/// Raiko et al. 2014, Figure 3: per test digit, the binarised original, the masked input
/// (upper half only) and `completions` draws of the lower half, each the output probabilities
/// `P(y_i = 1 | h)` for one sampled `h`, so that distinct modes show as distinct digits.
internal sealed class CompletionGrid(NetworkShape shape, int imageRows, int imageColumns)
{
    /// Draws the completions of `examples` and returns, per example, `completions` rows of
    /// `shape.Outputs` probabilities.
    public float[][] Complete(Parameters theta, ExampleSet test, IReadOnlyList<int> examples, int completions, ulong seed)
    {
        var pass = PassPool.Rent(shape, 1, completions);
        var result = new float[examples.Count][];
        Span<int> labels = stackalloc int[1]; // unused by the Bernoulli head
        for (int i = 0; i < examples.Count; i++)
        {
            var targets = TestChunk.Load(pass, test, examples[i], 1, seed, labels);
            pass.Forward(theta, 1, completions, sample: true, [], targets);
            var p = pass.OutputActivations.ToArray();
            Sigmoid.Compute(p, p);
            result[i] = p;
        }
        PassPool.Return(pass);
        return result;
    }

    /// How much the completions of an example disagree: the mean over pixels of the variance
    /// over samples of the probabilities. Large for inputs with several plausible lower halves.
    public static double Spread(ReadOnlySpan<float> completions, int pixels)
    {
        int samples = completions.Length / pixels;
        double total = 0;
        for (int j = 0; j < pixels; j++)
        {
            double mean = 0, square = 0;
            for (int m = 0; m < samples; m++)
            {
                double v = completions[m * pixels + j];
                mean += v;
                square += v * v;
            }
            mean /= samples;
            total += square / samples - mean * mean;
        }
        return total / pixels;
    }

    public void Save(string path, ExampleSet test, IReadOnlyList<int> examples, float[][] completions)
    {
        int half = shape.Outputs, samples = completions.Length == 0 ? 0 : completions[0].Length / half;
        int maskRow = imageRows / 2;
        var grid = new DigitGrid(examples.Count, 2 + samples, imageColumns, imageRows);
        grid.SetColumnLabel(0, "digit");
        grid.SetColumnLabel(1, "input");
        for (int m = 0; m < samples; m++) grid.SetColumnLabel(2 + m, $"{m + 1}");
        var cell = new float[2 * half];
        for (int i = 0; i < examples.Count; i++)
        {
            int index = examples[i];
            grid.SetRowLabel(i, $"#{index}");
            test.Input(index).CopyTo(cell);
            test.Target(index).CopyTo(cell.AsSpan(half));
            grid.Set(i, 0, cell);
            cell.AsSpan(half).Clear();
            grid.Set(i, 1, cell);
            grid.Mark(i, 1, maskRow);
            for (int m = 0; m < samples; m++)
            {
                completions[i].AsSpan(m * half, half).CopyTo(cell.AsSpan(half));
                grid.Set(i, 2 + m, cell);
                grid.Mark(i, 2 + m, maskRow);
            }
        }
        grid.Save(path);
    }
}
