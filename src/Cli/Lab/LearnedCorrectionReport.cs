using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;

namespace SimdSfnn.Cli.Lab;

/// The learned correction's part of `sfnn lab --report`: on the report's networks, the bias and
/// variance of its exact least-squares fit and of the fit training's online estimator reaches
/// (both enumerated exactly), beside G3 (its starting point) and G1 (its target).
internal static class LearnedCorrectionReport
{
    /// Seeds the online fits' draws.
    const ulong OnlineSeed = 1305;

    public static void Write(TextWriter output, string outDirectory, ExactNetwork[] networks, IReadOnlyDictionary<int, ExactMoments[]> momentsOfM)
    {
        output.WriteLine();
        output.WriteLine("## The learned correction (Bengio 2013, section 3.2.2)");
        output.WriteLine();
        output.WriteLine("Per hidden layer `d = c . (s (1 - s) g, |h - s| g, g)`, regressed on G1's signal `(h - s)(C_M - Lbar)` with eq. 7's baseline.");
        output.WriteLine("Exact fit: the least-squares `c` over the enumerated distribution of the samples; online fit: training's estimator after " +
                         $"{LabCommand.OnlineSteps} steps of {LabCommand.OnlineBatch} draws of the example (the parameters held). Both are then enumerated exactly.");
        output.WriteLine("Relative bias against grad E[C_M], averaged over the networks; `fewer`: the networks on which the exact fit's bias is below G3's.");
        output.WriteLine();
        output.WriteLine("| M | G3 bias | learned bias (exact fit) | learned bias (online fit) | G1 bias | G3 variance | learned variance (exact) | learned variance (online) | G1 variance | fewer |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var csv = new List<string> { "M,biasG3,biasLearnedExact,biasLearnedOnline,biasG1,varianceG3,varianceLearnedExact,varianceLearnedOnline,varianceG1,networksBelowG3" };
        foreach (var (M, moments) in momentsOfM.OrderBy(p => p.Key))
        {
            var online = networks.Select((net, n) => OnlineMoments(net, M, moments[n])).ToArray();
            double BiasOf(Func<int, double[]> mean) => moments.Select((m, n) => LabReport.RelativeDistance(mean(n), m.GradObjective)).Average();
            double VarianceOf(Func<int, double[]> variance) => Enumerable.Range(0, moments.Length).Average(n => variance(n).Average());
            int fewer = moments.Count(m => LabReport.RelativeDistance(m.Learned.Expected, m.GradObjective) < LabReport.RelativeDistance(m.Expected(EstimatorKind.G3), m.GradObjective));
            double[] row =
            [
                BiasOf(n => moments[n].Expected(EstimatorKind.G3)), BiasOf(n => moments[n].Learned.Expected), BiasOf(n => online[n].Mean), BiasOf(n => moments[n].Expected(EstimatorKind.G1)),
                VarianceOf(n => moments[n].Variance(EstimatorKind.G3)), VarianceOf(n => moments[n].Learned.Variance), VarianceOf(n => online[n].Variance), VarianceOf(n => moments[n].Variance(EstimatorKind.G1)),
            ];
            output.WriteLine($"| {M} | {string.Join(" | ", row.Select(LabReport.F))} | {fewer} of {moments.Length} |");
            csv.Add($"{M},{string.Join(",", row.Select(LabReport.R))},{fewer}");
        }
        File.WriteAllLines(Path.Combine(outDirectory, "learned-correction.csv"), csv);
    }

    /// The moments of the coefficients training's online fit reaches on `net`'s example.
    static (double[] Mean, double[] Variance) OnlineMoments(ExactNetwork net, int M, ExactMoments exact)
    {
        var x = net.X.Select(v => (float)v).ToArray();
        var target = net.Target.Select(v => (float)v).ToArray();
        var online = OnlineCorrectionFit.Run(net.Shape, net.ToParameters(), x, net.Label, target, M, LabCommand.OnlineSteps, LabCommand.OnlineBatch, OnlineSeed);
        var coefficients = online.Select(c => c.Select(v => (double)v).ToArray()).ToArray();
        return LearnedCorrectionEnumeration.Moments(net, M, exact.BengioBaseline, LearnedCorrection.Features, coefficients);
    }
}
