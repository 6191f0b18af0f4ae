using SimdSfnn.Nn.Units;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Units;

/// The control brings silent noisy rectifiers up to the target rate, and two-sided brings busy
/// ones down; one-sided leaves busy ones alone. The firing probability is checked in closed form
/// (`P(a + b + z > 0) = Phi((a + b) / sigma)` for Gaussian z), not by the control's own average.
public sealed class FiringRateControlTests
{
    const int Rows = 64, Steps = 3000;

    /// Units with pre-activations `a` (fixed: a layer whose weights do not move), their biases
    /// controlled over `Steps` batches of `Rows` draws each; returns the biases.
    static float[] Run(float[] a, float[] bias, FiringRateControl control)
    {
        var unit = new NoisyRectifierUnit(RectifierNoise.Gaussian);
        int n = a.Length;
        var pre = new float[Rows * n];
        var noise = new float[Rows * n];
        var h = new float[Rows * n];
        var rng = RandomStream.Create(seed: 1305, stream: 2982);
        for (int step = 0; step < Steps; step++)
        {
            for (int r = 0; r < Rows; r++)
                for (int j = 0; j < n; j++) pre[r * n + j] = a[j] + bias[j];
            unit.Sample(pre, ref rng, noise, h);
            control.Update(h, Rows, bias);
        }
        return bias;
    }

    static double FiringProbability(double preActivation) => 0.5 * (1 + Erf(preActivation / Math.Sqrt(2)));

    /// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), independent of the engine's own erfc.
    static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }

    [Fact]
    public void Silent_units_are_brought_up_to_the_target_rate()
    {
        float[] a = [-1f, 0.3f, -2.5f, 1.2f, -0.7f];
        var bias = Enumerable.Repeat(-4f, a.Length).ToArray(); // every unit fires under 0.2% of the time
        var control = new FiringRateControl(a.Length, target: 0.1);
        Run(a, bias, control);
        for (int j = 0; j < a.Length; j++)
        {
            double p = FiringProbability(a[j] + bias[j]);
            // at rest the bias jitters by the adjustment times the averaged rate's spread
            // (sqrt(0.1 * 0.9 / 64 * 0.02 / 2) = 0.004), a few thousandths of probability
            Assert.InRange(p, 0.08, 0.12);
            Assert.InRange(control.Rates[j], 0.08, 0.12);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Busy_units_come_down_only_when_two_sided(bool twoSided)
    {
        float[] a = [1.5f, 2.5f, 0.8f];
        var start = new[] { 0f, 0f, 0f }; // fire 79-99% of the time
        var bias = Run(a, (float[])start.Clone(), new FiringRateControl(a.Length, target: 0.1, twoSided: twoSided));
        for (int j = 0; j < a.Length; j++)
        {
            if (twoSided) Assert.InRange(FiringProbability(a[j] + bias[j]), 0.08, 0.12);
            else Assert.Equal(start[j], bias[j]);
        }
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiringRateControl(3, target: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiringRateControl(3, target: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiringRateControl(3, target: 0.1, adjustment: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiringRateControl(3, target: 0.1, averaging: 1.5));
        Assert.Throws<ArgumentException>(() => new FiringRateControl(3, target: 0.1).Update(new float[6], 2, new float[2]));
    }
}
