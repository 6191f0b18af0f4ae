using SimdSfnn.Nn.Gated;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Gated;

/// The gated pass's backward equals central finite differences of its summed cross-entropy, with
/// the gate noise held (`GatedPass.HoldNoise`): for every gater,
/// every parameter of the expert layer and the output map; for the gaters whose samples are
/// differentiable with the noise held (all but st and reinforce), the gater's parameters too. The sparsity
/// penalties are off here (weight 0).
public sealed class GatedGradientTests
{
    [Theory]
    [InlineData("st", false)]
    [InlineData("noisy-relu", true)]
    [InlineData("sts", true)]
    [InlineData("reinforce", false)]
    [InlineData("relu", true)]
    [InlineData("sigmoid", true)]
    [InlineData("noisy-sigmoid", true)]
    public void Backward_matches_central_differences(string gaterName, bool gaterPath)
    {
        var gater = Gater.FromName(gaterName)!;
        var shape = GatedTestNets.Shape;
        // gates on for a good share of the rows (relu's start, 0, has about half of them on)
        var theta = GatedTestNets.RandomParameters(shape, seed: 5, gateBias: gaterName == "relu" ? 0f : gater.InitialBias + 1);
        var data = GatedTestNets.Data(shape, 4, seed: 6);
        var pass = new GatedPass(shape, gater, 4);
        double Loss()
        {
            for (int r = 0; r < 4; r++)
            {
                data.Input(r).CopyTo(pass.Input(r));
                pass.Label(r) = data.Labels![r];
                pass.Stream(r) = RandomStream.Create(9, (ulong)r);
            }
            return pass.Forward(theta, 4, training: true);
        }
        Loss();
        pass.HoldNoise = true;
        // the sigmoid gaters are never 0: every gate is on
        bool neverOff = gaterName is "sigmoid" or "noisy-sigmoid";
        Assert.InRange(pass.GatesOn, neverOff ? 4 * shape.Gates : 1, neverOff ? 4 * shape.Gates : 4 * shape.Gates - 1);
        var gradient = new GatedParameters(shape);
        pass.Backward(theta, 4, gradient, new float[shape.Gates], 0f, baseline: new float[shape.Gates]);

        // the block's layout: W1, b1, W2, b2 (the gater), then We, be, V, bo
        int expertStart = shape.Hidden * (shape.Inputs + 1) + shape.Gates * (shape.Hidden + 1);
        int checkedCount = 0, kinks = 0;
        double baseline = Loss();
        for (int k = 0; k < theta.Data.Length; k++)
        {
            bool expert = k >= expertStart;
            if (!expert && !gaterPath) continue;
            if (!expert && k % 7 != 0) continue; // a sample of the gater's many weights
            // the gater's weights reach every gate: a smaller step, so that no a + z crosses 0
            float eps = expert ? 1e-2f : 1e-3f, saved = theta.Data[k];
            theta.Data[k] = saved + eps;
            double plus = Loss();
            theta.Data[k] = saved - eps;
            double minus = Loss();
            theta.Data[k] = saved;
            double numeric = (plus - minus) / (2 * eps);
            // a rectifier's kink (some a + z crossing 0) within the step: the one-sided slopes differ
            double upward = (plus - baseline) / eps, downward = (baseline - minus) / eps;
            if (Math.Abs(upward - downward) > 0.01 + 0.1 * Math.Abs(numeric))
            {
                kinks++;
                continue;
            }
            Assert.True(Math.Abs(numeric - gradient.Data[k]) <= 2e-3 + 0.03 * Math.Abs(numeric),
                        $"{gaterName}: parameter {k} (expert from {expertStart}): backward {gradient.Data[k]}, differences {numeric}");
            checkedCount++;
        }
        Assert.True(checkedCount > 100 && kinks <= checkedCount / 20, $"{checkedCount} checked, {kinks} across a kink");
    }
}
