using SimdSfnn.Estimators;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn.Units;
using SimdSfnn.Nn;
using SimdSfnn.Property.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Units;

/// A hidden layer whose unit back-propagates itself (noisy rectifier, STS, sigmoid, noisy tanh) gives the
/// exact gradient of `sum_e C_M` with its noise held: the pass's gradient equals central finite
/// differences of the criterion, recomputed from the same streams (so the same noise). Above a
/// sigmoid-Bernoulli layer the same holds for the weights over it, whose changes leave its
/// samples alone. Finite differences of a rectifier are only its derivative where no unit
/// crosses its kink within the step, so a parameter whose step moves any `h > 0` pattern is left
/// out, and the test asserts that few are.
[Collection(nameof(KernelIsaCollection))]
public sealed class PathwiseGradientTests
{
    const int Examples = 4, Samples = 3;
    const float Step = 2e-3f;

    [Theory]
    [InlineData("noisy-relu,noisy-relu", OutputHead.Softmax)]
    [InlineData("noisy-relu,noisy-relu", OutputHead.Bernoulli)]
    [InlineData("sts,sigmoid", OutputHead.Softmax)]
    [InlineData("sigmoid,sts", OutputHead.Bernoulli)]
    [InlineData("bernoulli,noisy-relu", OutputHead.Softmax)]
    [InlineData("bernoulli,sts", OutputHead.Bernoulli)]
    [InlineData("tanh-noise,sigmoid", OutputHead.Softmax)]
    [InlineData("bernoulli,tanh-noise", OutputHead.Bernoulli)]
    public void Gradient_matches_finite_differences_with_the_noise_held(string units, OutputHead head)
    {
        var kinds = HiddenUnits.Parse(units, 2, out _)!;
        var shape = new NetworkShape([9, 13, 11, head == OutputHead.Softmax ? 4 : 6], head, kinds);
        var theta = TinyData.RandomParameters(shape, seed: 7);
        var rnd = new Random(8);
        var x = Enumerable.Range(0, Examples * shape.Inputs).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray();
        var labels = Enumerable.Range(0, Examples).Select(_ => rnd.Next(shape.Outputs)).ToArray();
        var targets = head == OutputHead.Bernoulli ? Enumerable.Range(0, Examples * shape.Outputs).Select(_ => (float)rnd.Next(2)).ToArray() : [];
        var estimator = EstimatorRegistry.Create(EstimatorKind.G3, shape.Sizes[1..^1]);
        var pass = new NetworkPass(shape, Examples, Samples);

        double Criterion(out bool[] pattern)
        {
            for (int e = 0; e < Examples; e++)
            {
                x.AsSpan(e * shape.Inputs, shape.Inputs).CopyTo(pass.Input(e));
                pass.Stream(e) = RandomStream.Create(5, (ulong)e);
            }
            pass.Forward(theta, Examples, Samples, sample: true, labels, targets);
            double sum = 0;
            for (int e = 0; e < Examples; e++) sum += pass.Criterion(e);
            pattern = [.. pass.HiddenStates(0).ToArray().Select(v => v > 0), .. pass.HiddenStates(1).ToArray().Select(v => v > 0)];
            return sum;
        }

        Criterion(out var basePattern);
        var gradient = new Parameters(shape);
        var statistics = shape.Sizes[1..^1].Select(w => new float[estimator.StatisticsLength(w)]).ToArray();
        pass.Backward(theta, estimator, gradient, labels, targets, statistics);

        // with a Bernoulli first layer, only the parameters above it have a pathwise gradient
        int first = kinds[0].HasPathwiseGradient ? 0 : shape.WeightOffset(1);
        int checkedCount = 0, skipped = 0;
        for (int i = first; i < theta.Data.Length; i++)
        {
            float saved = theta.Data[i];
            theta.Data[i] = saved + Step; double up = Criterion(out var upPattern);
            theta.Data[i] = saved - Step; double down = Criterion(out var downPattern);
            theta.Data[i] = saved;
            if (!upPattern.SequenceEqual(basePattern) || !downPattern.SequenceEqual(basePattern))
            {
                skipped++;
                continue;
            }
            checkedCount++;
            double numeric = (up - down) / (2 * Step);
            // float32 passes: ~1e-6 relative rounding of C over the step, plus the O(step^2)
            // truncation of a criterion smooth between kinks
            Assert.True(Math.Abs(numeric - gradient.Data[i]) < 2e-3 + 1e-2 * Math.Abs(numeric),
                        $"{units} {head} parameter {i}: finite difference {numeric}, pass {gradient.Data[i]}");
        }
        Assert.True(skipped <= (checkedCount + skipped) / 10, $"{skipped} of {checkedCount + skipped} parameters moved a unit across its kink");
    }
}
