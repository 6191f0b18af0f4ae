using SimdSfnn.Nn.Training;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// The momentum step split across a pool's workers is the serial step, bit for bit, and reports
/// an overflow in any worker's share.
public sealed class MomentumSgdTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Pooled_step_is_the_serial_step(int threads)
    {
        var shape = new NetworkShape([30, 21, 7], OutputHead.Softmax); // 808 parameters: not a multiple of 16 x threads
        var serialTheta = TinyData.RandomParameters(shape, seed: 3, scale: 1);
        var pooledTheta = TinyData.RandomParameters(shape, seed: 3, scale: 1);
        var serial = new MomentumSgd(serialTheta);
        var pooled = new MomentumSgd(pooledTheta);
        using var pool = new WorkerPool(threads);
        var gradient = TinyData.RandomParameters(shape, seed: 4, scale: 1).Data;
        for (int step = 0; step < 3; step++)
        {
            Assert.True(serial.Step(gradient, 0.1f));
            Assert.True(pooled.Step(gradient, 0.1f, pool));
        }
        Assert.Equal(serialTheta.Data, pooledTheta.Data);
        Assert.Equal(serial.Velocity, pooled.Velocity);

        // an overflow in the last worker's share is reported
        pooledTheta.Data[^1] = 3e38f;
        gradient[^1] = 3e38f;
        Assert.False(pooled.Step(gradient, 10f, pool));
    }
}
