using SimdSfnn.Estimators;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// The deterministic net's gradient from the fast path equals central finite differences of
/// the mean `log P(y | h = s)`, which checks the layouts of all three matrix products.
[Collection(nameof(KernelIsaCollection))]
public sealed class DeterministicGradientTests
{
    [Theory]
    [InlineData(OutputHead.Softmax)]
    [InlineData(OutputHead.Bernoulli)]
    public void Backpropagation_matches_finite_differences(OutputHead head)
    {
        var shape = new NetworkShape([7, 5, 4, head == OutputHead.Softmax ? 3 : 6], head);
        var data = head == OutputHead.Softmax ? TinyData.Classification(9, 7, 3, seed: 5) : TinyData.Structured(9, 7, 6, seed: 5);
        var theta = TinyData.RandomParameters(shape, seed: 6);
        using var pool = new WorkerPool(2);
        var minibatch = new TrainingStep(shape, new DeterministicBackprop(), pool, 9, 1, seed: 1, inputNoise: 0);
        var order = Enumerable.Range(0, 9).ToArray();
        minibatch.Compute(theta, data, order, 0, 9, 0);
        var analytic = (float[])minibatch.Gradient.Data.Clone();

        double Criterion()
        {
            return minibatch.Compute(theta, data, order, 0, 9, 0) / 9;
        }
        const float step = 1e-2f;
        for (int i = 0; i < theta.Data.Length; i++)
        {
            float saved = theta.Data[i];
            theta.Data[i] = saved + step; double up = Criterion();
            theta.Data[i] = saved - step; double down = Criterion();
            theta.Data[i] = saved;
            double numeric = (up - down) / (2 * step);
            // float32 forward passes: the difference quotient carries ~1e-6/step of rounding,
            // and the O(step^2) truncation of a smooth criterion with weights of size ~1.
            Assert.True(Math.Abs(numeric - analytic[i]) < 2e-3 + 1e-2 * Math.Abs(numeric),
                        $"parameter {i}: finite difference {numeric}, back-propagation {analytic[i]}");
        }
    }
}
