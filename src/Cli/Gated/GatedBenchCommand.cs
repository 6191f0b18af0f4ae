using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Nn.Gated;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Gated;

/// `sfnn bench --task gated [--gates-on F]`: times the gated layers of the conditional-computation
/// classifier (the expert layer `H = We x + be`, the gating `m = H * h` and the output map
/// `o = V^T m + bo`, forward and backward) over one minibatch on one thread, computed over each
/// row's active gates only (`GatedLayers.Sparse*`) against the dense products of the same layers
/// (`GatedLayers.Dense*`, MatMul over all gates), with a fraction F of each row's gates forced on
/// (chosen at random, values in (0, 1]). Prints the medians of `--rounds` alternated rounds of
/// `--steps` minibatches, in thread CPU time, and `speedupOverDense` (forward and backward;
/// `forwardSpeedupOverDense`: the forward alone), and the test-time forward over
/// `GatedStep.EvaluationRows` rows (or `--test-rows`) against the dense forward by packed weights
/// (`testTimeSpeedupOverDense`).
internal static class GatedBenchCommand
{
    public static int Run(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        // the gater does not change the gated layers' work; it is checked, and named in the JSON
        var gater = GatedOptions.Gater(result);
        double fraction = result.GetValue(SfnnOptions.GatesOn) ?? 0.1;
        int batch = OptionKinds.AtMost(SfnnOptions.Batch, result.GetValue(SfnnOptions.Batch) ?? 32, 10_000);
        int steps = result.GetValue(SfnnOptions.Steps) ?? 50;
        int rounds = result.GetValue(SfnnOptions.Rounds) ?? 5;
        int testRows = result.GetValue(SfnnOptions.TestRows) ?? GatedStep.EvaluationRows;
        var shape = GatedOptions.Shape(result, 784, 10);

        int B = batch, D = shape.Inputs, G = shape.Gates, C = shape.Classes;
        int on = Math.Max(1, (int)Math.Round(fraction * G));
        var theta = new GatedParameters(shape);
        theta.Initialize(1, 0f);
        var gradient = new GatedParameters(shape);
        var train = new GatedBenchBatch(shape, B, on, seed: 7);
        var (sparse, dense) = Medians(() => train.SparseStep(theta, gradient), () => train.DenseStep(theta, gradient), steps, rounds, gradient);
        var (sparseForward, denseForward) = Medians(() => train.SparseForward(theta), () => train.DenseForward(theta), steps, rounds, gradient);
        // test time: the forward alone over the rows a worker evaluates at once (or --test-rows),
        // against the dense forward by We packed once (a test-time net's weights are fixed)
        var test = new GatedBenchBatch(shape, testRows, on, seed: 8);
        var packedWe = new PackedWeights(D, G);
        MatMul.PackForward(theta.We, packedWe);
        var (sparseTest, denseTest) = Medians(() => test.SparseForward(theta), () => test.DenseForward(theta, packedWe), steps, rounds, gradient);
        var json = new JsonObject
        {
            ["task"] = "gated",
            ["gater"] = gater.Name,
            ["sizes"] = shape.ToString(),
            ["batch"] = B,
            ["gatesOn"] = JsonLine.Number(on / (double)G),
            ["threads"] = 1,
            ["kernel"] = KernelIsa.Current.ToString(),
            ["sparseSeconds"] = JsonLine.Number(sparse, 9),
            ["denseSeconds"] = JsonLine.Number(dense, 9),
            ["speedupOverDense"] = JsonLine.Number(dense / sparse, 3),
            ["sparseForwardSeconds"] = JsonLine.Number(sparseForward, 9),
            ["denseForwardSeconds"] = JsonLine.Number(denseForward, 9),
            ["forwardSpeedupOverDense"] = JsonLine.Number(denseForward / sparseForward, 3),
            ["testTimeBatch"] = test.Rows,
            ["testTimeSparseSeconds"] = JsonLine.Number(sparseTest, 9),
            ["testTimeDenseSeconds"] = JsonLine.Number(denseTest, 9),
            ["testTimeSpeedupOverDense"] = JsonLine.Number(denseTest / sparseTest, 3),
        };
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gated layers {D}->{G}x{G}->{C}, batch {B}, {on} of {G} gates on, one thread ({KernelIsa.Current}): forward and backward " +
            $"{sparse * 1e3:F3} ms sparse, {dense * 1e3:F3} ms dense ({dense / sparse:F2}x); forward {sparseForward * 1e3:F3} ms, {denseForward * 1e3:F3} ms ({denseForward / sparseForward:F2}x); " +
            $"test time ({test.Rows} row{(test.Rows == 1 ? "" : "s")}, packed dense) {sparseTest * 1e3:F3} ms, {denseTest * 1e3:F3} ms ({denseTest / sparseTest:F2}x)"));
        Console.WriteLine(JsonLine.Write(json));
        return 0;
    }

    /// The medians over `rounds` of the seconds of this thread's CPU time per call of `a` and of
    /// `b`, timed in alternated rounds after a warm-up: on a machine shared with other work, CPU
    /// time leaves out the time the thread waited, and alternation gives both the same conditions.
    static (double A, double B) Medians(Action a, Action b, int steps, int rounds, GatedParameters gradient)
    {
        for (int i = 0; i < Math.Max(3, steps / 5); i++)
        {
            a();
            b();
        }
        var timesA = new double[rounds];
        var timesB = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            timesA[r] = Seconds(a, steps, gradient);
            timesB[r] = Seconds(b, steps, gradient);
        }
        Array.Sort(timesA);
        Array.Sort(timesB);
        return (timesA[rounds / 2], timesB[rounds / 2]);
    }

    static double Seconds(Action work, int steps, GatedParameters gradient)
    {
        Array.Clear(gradient.Data);
        long start = Commands.ThreadCpu.Nanoseconds();
        for (int i = 0; i < steps; i++) work();
        return (Commands.ThreadCpu.Nanoseconds() - start) * 1e-9 / steps;
    }
}
