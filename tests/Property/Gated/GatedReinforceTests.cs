using SimdSfnn.Nn.Gated;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Gated;

/// The `reinforce` gater's `d = (h - p)(L - Lbar)` (Bengio 2013, eq. (7)) is unbiased: on a net of
/// four gates, its expectation over the 16 gate patterns, each forced through the held noise,
/// equals central differences of the exactly enumerated expected loss `sum_h P(h | a) L(h)` in
/// every gate's pre-activation, whatever the baseline; and its baseline statistics are
/// `sum (h - p)^2 L` and `sum (h - p)^2`.
public sealed class GatedReinforceTests
{
    static readonly GatedShape Shape = new(6, 3, 4, 3);

    [Fact]
    public void Its_expectation_over_every_gate_pattern_is_the_gradient_of_the_expected_loss()
    {
        var gater = Gater.FromName("reinforce")!;
        int G = Shape.Gates;
        var theta = GatedTestNets.RandomParameters(Shape, seed: 11, gateBias: 0.3f);
        var data = GatedTestNets.Data(Shape, 1, seed: 12);
        var pass = new GatedPass(Shape, gater, 1);
        data.Input(0).CopyTo(pass.Input(0));
        pass.Label(0) = data.Labels![0];
        pass.Stream(0) = RandomStream.Create(1, 0);
        pass.Forward(theta, 1, training: true);
        pass.HoldNoise = true;

        double[] a = PreActivations(theta, data.Input(0));
        float[] baseline = [0.7f, -0.4f, 1.9f, 0.2f]; // any baseline leaves the expectation unchanged
        var loss = new double[1 << G];
        var expectation = new double[G];
        for (int pattern = 0; pattern < 1 << G; pattern++)
        {
            var u = pass.Noise(0);
            for (int i = 0; i < G; i++) u[i] = (pattern >> i & 1) == 1 ? 0f : 1f; // h = 1[u < p]
            loss[pattern] = pass.Forward(theta, 1, training: true);
            Assert.Equal(System.Numerics.BitOperations.PopCount((uint)pattern), pass.GatesOn);
            var gradient = new GatedParameters(Shape);
            pass.Backward(theta, 1, gradient, new float[G], 0f, baseline);
            double probability = Probability(a, pattern);
            for (int i = 0; i < G; i++)
            {
                expectation[i] += probability * gradient.B2[i];
                double p = Sigmoid(a[i]), noise = (pattern >> i & 1) - p;
                Assert.Equal(noise * noise * loss[pattern], pass.BaselineStatistics[i], 1e-4);
                Assert.Equal(noise * noise, pass.BaselineStatistics[G + i], 1e-6);
            }
        }
        for (int i = 0; i < G; i++)
        {
            const double Eps = 1e-4;
            double Expected(double shift)
            {
                var shifted = (double[])a.Clone();
                shifted[i] += shift;
                double sum = 0;
                for (int pattern = 0; pattern < 1 << G; pattern++) sum += Probability(shifted, pattern) * loss[pattern];
                return sum;
            }
            double exact = (Expected(Eps) - Expected(-Eps)) / (2 * Eps);
            Assert.True(Math.Abs(exact) > 1e-3, $"gate {i}: a gradient of {exact} tests too little");
            Assert.True(Math.Abs(expectation[i] - exact) <= 1e-5 + 1e-4 * Math.Abs(exact), $"gate {i}: E[d] {expectation[i]}, exact {exact}");
        }
    }

    static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    static double Probability(double[] a, int pattern)
    {
        double probability = 1;
        for (int i = 0; i < a.Length; i++) probability *= (pattern >> i & 1) == 1 ? Sigmoid(a[i]) : 1 - Sigmoid(a[i]);
        return probability;
    }

    /// The gates' pre-activations `W2 tanh(W1 x + b1) + b2` in double, apart from the pass.
    static double[] PreActivations(GatedParameters theta, ReadOnlySpan<float> x)
    {
        int D = Shape.Inputs, Hd = Shape.Hidden, G = Shape.Gates;
        var t = new double[Hd];
        for (int j = 0; j < Hd; j++)
        {
            double sum = theta.B1[j];
            for (int k = 0; k < D; k++) sum += theta.W1[j * D + k] * (double)x[k];
            t[j] = Math.Tanh(sum);
        }
        var a = new double[G];
        for (int i = 0; i < G; i++)
        {
            double sum = theta.B2[i];
            for (int j = 0; j < Hd; j++) sum += theta.W2[i * Hd + j] * t[j];
            a[i] = sum;
        }
        return a;
    }
}
