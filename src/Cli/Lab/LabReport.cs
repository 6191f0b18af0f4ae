using System.Globalization;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;
using SimdSfnn.IO.Imaging;
using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Lab;

/// `sfnn lab --report`: exact bias and variance of every estimator on a fixed set of random
/// tiny networks (two hidden units, so that M = 8 is enumerable), the learned correction's
/// exact and online fits beside G1 and G3 (`LearnedCorrectionReport`), and the variance of G5 on
/// the first hidden layer as a function of `c M` (the analogue of Raiko et al. 2014, Figure 1).
/// Markdown goes to `output`, CSV files and the plot into `outDirectory`.
internal static class LabReport
{
    const int NetworkCount = 24, Seed = 2014;
    static readonly int[] SampleCounts = [1, 2, 4, 8];
    static readonly double[] ScaledC = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75];
    static readonly int[] ScaledCSampleCounts = [2, 4, 8];
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Write(TextWriter output, string outDirectory)
    {
        Directory.CreateDirectory(outDirectory);
        var networks = Networks();

        output.WriteLine($"## Bias and variance on {NetworkCount} random tiny networks (seed {Seed}), exact");
        output.WriteLine();
        output.WriteLine("Relative bias: `|E[G] - target| / |target|` over all parameters, averaged over the networks; variance: mean over parameters.");
        output.WriteLine("G1 uses Bengio's eq. 7 baseline of each unit (computed by enumeration); G5 uses c = 1/M.");
        output.WriteLine();
        output.WriteLine("| estimator | M | bias vs grad log P(y\\|x) | bias vs grad E[C_M] | mean variance |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        var csv = new List<string> { "estimator,M,relativeBiasLogLikelihood,relativeBiasObjective,meanVariance" };
        var rows = new List<(EstimatorKind Kind, int M, double BiasLogLikelihood, double BiasObjective, double Variance)>();
        var momentsOfM = new Dictionary<int, ExactMoments[]>();
        foreach (int M in SampleCounts)
        {
            var moments = momentsOfM[M] = networks.Select(net => ExactEnumeration.Compute(net, M, null, ExactEnumeration.Compute(net, M).BengioBaseline)).ToArray();
            foreach (var kind in Enum.GetValues<EstimatorKind>())
                rows.Add((kind, M,
                          moments.Average(m => RelativeDistance(m.Expected(kind), m.GradLogLikelihood)),
                          moments.Average(m => RelativeDistance(m.Expected(kind), m.GradObjective)),
                          moments.Average(m => m.Variance(kind).Average())));
        }
        var named = rows.OrderBy(r => r.Kind).ThenBy(r => r.M)
            .Select(r => (Name: EstimatorRegistry.Name(r.Kind), r.M, r.BiasLogLikelihood, r.BiasObjective, r.Variance)).ToList();
        // the same networks with STS units (a different model of the same weights), and their
        // pathwise estimator held to that model's own gradients
        foreach (int M in SampleCounts)
        {
            var moments = networks.Select(net => StsEnumeration.Compute(net.WithStsUnits(), M)).ToArray();
            named.Add(("STS pathwise (sts units)", M,
                       moments.Average(m => RelativeDistance(m.Expected, m.GradLogLikelihood)),
                       moments.Average(m => RelativeDistance(m.Expected, m.GradObjective)),
                       moments.Average(m => m.Variance.Average())));
        }
        foreach (var row in named)
        {
            output.WriteLine($"| {row.Name} | {row.M} | {F(row.BiasLogLikelihood)} | {F(row.BiasObjective)} | {F(row.Variance)} |");
            csv.Add($"{row.Name},{row.M},{R(row.BiasLogLikelihood)},{R(row.BiasObjective)},{R(row.Variance)}");
        }
        File.WriteAllLines(Path.Combine(outDirectory, "bias-variance.csv"), csv);

        LearnedCorrectionReport.Write(output, outDirectory, networks, momentsOfM);

        output.WriteLine();
        output.WriteLine("## Variance of G5 on the first hidden layer against c M (Raiko et al. 2014, Figure 1)");
        output.WriteLine();
        output.WriteLine("Sum over the first hidden layer's weights and biases of Var[G5], averaged over the networks; c M = 1 is the paper's c = 1/M.");
        output.WriteLine();
        output.WriteLine("| c M | " + string.Join(" | ", ScaledCSampleCounts.Select(M => $"M = {M}")) + " |");
        output.WriteLine("|---:|" + string.Concat(ScaledCSampleCounts.Select(_ => "---:|")));
        var curve = ScaledC.Select(cM => ScaledCSampleCounts.Select(M => networks.Average(net => FirstLayerVariance(net, M, cM / M))).ToArray()).ToArray();
        var curveCsv = new List<string> { "cM," + string.Join(",", ScaledCSampleCounts.Select(M => $"M{M}")) };
        for (int i = 0; i < ScaledC.Length; i++)
        {
            output.WriteLine($"| {ScaledC[i].ToString(Invariant)} | " + string.Join(" | ", curve[i].Select(F)) + " |");
            curveCsv.Add(ScaledC[i].ToString(Invariant) + "," + string.Join(",", curve[i].Select(R)));
        }
        File.WriteAllLines(Path.Combine(outDirectory, "g5-variance-vs-cM.csv"), curveCsv);
        var plot = new LinePlot("Variance of G5 on the first hidden layer", "c M", "sum of Var[G5]");
        for (int column = 0; column < ScaledCSampleCounts.Length; column++)
            plot.Add($"M = {ScaledCSampleCounts[column]}", ScaledC, curve.Select(row => row[column]).ToArray());
        plot.Save(Path.Combine(outDirectory, "g5-variance-vs-cM.png"));
        output.WriteLine();
        output.WriteLine($"CSV files and the plot g5-variance-vs-cM.png in {outDirectory}.");
    }

    /// The fixed set: 0-3 inputs, two hidden units (one layer of 2, or two of 1), 1-3 outputs,
    /// either head, weights uniform in (-2, 2), inputs in (-1, 1).
    internal static ExactNetwork[] Networks()
    {
        var random = new Random(Seed);
        var networks = new ExactNetwork[NetworkCount];
        for (int n = 0; n < NetworkCount; n++)
        {
            var head = n % 2 == 0 ? OutputHead.Softmax : OutputHead.Bernoulli;
            // a softmax over one class has P(y | h) = 1 and every gradient 0: no relative bias to report
            int inputs = random.Next(0, 4), outputs = random.Next(head == OutputHead.Softmax ? 2 : 1, 4);
            int[] sizes = n % 4 < 2 ? [inputs, 2, outputs] : [inputs, 1, 1, outputs];
            var shape = new NetworkShape(sizes, head);
            var theta = Enumerable.Range(0, shape.ParameterCount).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            var x = Enumerable.Range(0, inputs).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var target = Enumerable.Range(0, outputs).Select(_ => (double)random.Next(2)).ToArray();
            networks[n] = new ExactNetwork(shape, theta, x, random.Next(outputs), target);
        }
        return networks;
    }

    static double FirstLayerVariance(ExactNetwork net, int M, double c)
    {
        var variance = ExactEnumeration.Compute(net, M, c).Variance(EstimatorKind.G5);
        int end = net.BiasOffset(0) + net.Shape.Sizes[1];
        return variance.AsSpan(0, end).ToArray().Sum();
    }

    /// `|a - target| / |target|` (Euclidean norms over all parameters).
    internal static double RelativeDistance(double[] a, double[] target)
    {
        double difference = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            difference += (a[i] - target[i]) * (a[i] - target[i]);
            norm += target[i] * target[i];
        }
        return Math.Sqrt(difference / norm);
    }

    internal static string F(double value) => value.ToString("G4", Invariant);
    internal static string R(double value) => value.ToString("R", Invariant);
}
