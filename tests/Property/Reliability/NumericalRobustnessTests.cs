using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Evaluation;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Property.Nn;

namespace SimdSfnn.Property.Reliability;

/// Every estimator's gradient, the training `C_M` and the test-time `C_M` stay finite where a naive implementation overflows:
/// saturated units (pre-activations far beyond +-80), `P(y | h)` far below the smallest float
/// (log-space weights), `M` from 1 to 1000, and minibatches that do not divide the data set.
[Collection(nameof(KernelIsaCollection))] // kernels must not switch mid-run
public sealed class NumericalRobustnessTests
{
    static readonly EstimatorKind[] Kinds = Enum.GetValues<EstimatorKind>();

    static Gen<(EstimatorKind Kind, OutputHead Head, float Scale, int M, int Batch, int Seed)> Cases =>
        from kind in Gen.Elements(Kinds)
        from head in Gen.Elements(OutputHead.Softmax, OutputHead.Bernoulli)
        from scale in Gen.Elements(1f, 20f, 80f, 1e3f, 1e5f)
        from M in Gen.Elements(1, 2, 17, 1000)
        from batch in Gen.Choose(1, 23)
        from seed in Gen.Choose(0, 1 << 20)
        select (kind, head, scale, M, batch, seed);

    [Fact]
    public void Gradient_and_criterion_stay_finite_for_extreme_parameters() =>
        Prop.ForAll(Cases.ToArbitrary(), c => { CheckFinite(c.Kind, c.Head, c.Scale, c.M, c.Batch, c.Seed); return true; })
            .Check(Seeded.Config(60, 20261101UL));

    [Theory]
    [InlineData(EstimatorKind.G1)]
    [InlineData(EstimatorKind.G3)]
    [InlineData(EstimatorKind.G5)]
    public void Saturated_units_with_a_target_of_probability_near_zero_stay_finite(EstimatorKind kind) =>
        // Weights of 80 on inputs of +-1: every pre-activation is a multiple of 80, and the
        // Bernoulli head's targets disagree with it, so log P(y | h) is about -80 per output.
        CheckFinite(kind, OutputHead.Bernoulli, 80f, 1000, 7, 3, constantMagnitude: true);

    static void CheckFinite(EstimatorKind kind, OutputHead head, float scale, int M, int batch, int seed, bool constantMagnitude = false)
    {
        int outputs = head == OutputHead.Softmax ? 3 : 6;
        var shape = new NetworkShape([5, 4, 3, outputs], head);
        var data = head == OutputHead.Softmax ? TinyData.Classification(23, 5, 3, seed) : TinyData.Structured(23, 5, outputs, seed);
        var theta = TinyData.RandomParameters(shape, seed + 1, scale);
        if (constantMagnitude)
            for (int i = 0; i < theta.Data.Length; i++) theta.Data[i] = theta.Data[i] >= 0 ? scale : -scale;
        using var pool = new WorkerPool(2);
        int samples = kind == EstimatorKind.Deterministic ? 1 : M;
        var minibatch = new TrainingStep(shape, EstimatorRegistry.Create(kind, shape.Sizes[1..^1]), pool, batch, samples, (ulong)seed, 0.4f);
        var order = Enumerable.Range(0, data.Count).ToArray();
        // Two passes over the data: G1's baseline is fed by the first steps' statistics.
        for (int epoch = 0; epoch < 2; epoch++)
            for (int start = 0; start < data.Count; start += batch)
            {
                int count = Math.Min(batch, data.Count - start); // the last minibatch is short
                double criterion = minibatch.Compute(theta, data, order, start, count, epoch);
                Assert.True(double.IsFinite(criterion), $"{kind} {head} scale {scale} M {M} batch {batch}: C_M sum is {criterion}");
                int bad = Array.FindIndex(minibatch.Gradient.Data, v => !float.IsFinite(v));
                Assert.True(bad < 0, $"{kind} {head} scale {scale} M {M} batch {batch}: gradient[{bad}] is {(bad < 0 ? 0 : minibatch.Gradient.Data[bad])}");
            }
        // The test-time criterion goes through the same log-space weights.
        var evaluation = new TestSetEvaluation(shape, pool, samples).Run(theta, data, samples, kind != EstimatorKind.Deterministic, (ulong)seed);
        Assert.True(double.IsFinite(evaluation.TestLogLikelihood), $"{kind} {head} scale {scale} M {M}: test C_M is {evaluation.TestLogLikelihood}");
    }
}
