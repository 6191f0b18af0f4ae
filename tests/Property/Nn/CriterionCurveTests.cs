using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// The `eval --curve` computation: prefix criteria by a running log-sum-exp, and a curve whose
/// last point is the evaluation's own `C_M`.
[Collection(nameof(KernelIsaCollection))]
public sealed class CriterionCurveTests
{
    [Fact]
    public void Prefix_criteria_equal_the_direct_log_mean_exp()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(-200_000, 1000).Select(v => v / 1000f)).Where(a => a.Length > 0).ToArbitrary(), logW =>
        {
            var sums = new double[logW.Length];
            CriterionCurve.AddPrefixCriteria(logW, sums);
            for (int M = 1; M <= logW.Length; M++)
            {
                double max = logW.Take(M).Max();
                double direct = max + Math.Log(logW.Take(M).Sum(v => Math.Exp(v - max)) / M);
                if (Math.Abs(sums[M - 1] - direct) > 1e-9 * (1 + Math.Abs(direct))) return false;
            }
            return true;
        }).Check(Seeded.Config(200, 5UL));
    }

    [Theory]
    [InlineData(OutputHead.Softmax)]
    [InlineData(OutputHead.Bernoulli)]
    public void Last_point_is_the_evaluation_criterion_and_the_curve_rises(OutputHead head)
    {
        var data = head == OutputHead.Softmax ? TinyData.Classification(150, 12, 4, seed: 3) : TinyData.Structured(150, 12, 10, seed: 3);
        var shape = new NetworkShape([12, 9, 7, data.Outputs], head);
        var theta = TinyData.RandomParameters(shape, seed: 4, scale: 1.0);
        using var pool = new WorkerPool(2);
        var curve = new CriterionCurve(shape, pool, 40).Run(theta, data, seed: 9);
        var evaluation = new TestSetEvaluation(shape, pool, 40).Run(theta, data, 40, sampled: true, seed: 9);
        Assert.Equal(evaluation.TestLogLikelihood, curve[^1], 4);
        // E[C_M] rises with M (estimators.md, fact 5); with shared draws the estimate of the
        // mean over 150 examples rises too between M = 1, 10 and 40
        Assert.True(curve[0] < curve[9] && curve[9] < curve[39], string.Join(", ", curve[0], curve[9], curve[39]));
    }
}
