using SimdSfnn.Estimators;
using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Units;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Property.Nn;

namespace SimdSfnn.Property.Units;

/// The training step's firing counts, the firing-rate control's input: a sigmoid layer is
/// non-zero in every row, a rectifier's counts are the same on one worker or two (each
/// example's noise comes from its own stream), and a layer not asked for is not counted.
public sealed class FiringCountTests
{
    [Fact]
    public void Counts_are_exact_and_independent_of_the_thread_count()
    {
        var shape = new NetworkShape([12, 9, 7, 3], OutputHead.Softmax, HiddenUnits.Parse("sigmoid,noisy-relu", 2, out _)!);
        var data = TinyData.Classification(40, 12, 3, seed: 3);
        var theta = TinyData.RandomParameters(shape, seed: 4);
        var order = Enumerable.Range(0, 40).ToArray();

        int[][] Counts(int threads, bool[] layers)
        {
            using var pool = new WorkerPool(threads);
            var step = new TrainingStep(shape, EstimatorRegistry.Create(EstimatorKind.G3, [9, 7]), pool, 30, samples: 4, seed: 1, inputNoise: 0.2f);
            step.CountFiring(layers);
            step.Compute(theta, data, order, 5, 30, epoch: 0);
            Assert.Equal(30 * 4, step.FiringRows);
            return [step.Firing(0).ToArray(), step.Firing(1).ToArray()];
        }

        var one = Counts(1, [true, true]);
        var two = Counts(2, [true, true]);
        Assert.All(one[0], c => Assert.Equal(120, c));
        Assert.Equal(one[1], two[1]);
        Assert.Contains(one[1], c => c > 0 && c < 120); // a rectifier is off in some rows and on in others
        Assert.Empty(Counts(2, [false, true])[0]);
    }
}
