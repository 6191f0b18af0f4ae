using SimdSfnn.Nn.Gsn;

namespace SimdSfnn.Property.Gsn;

/// The walkback loss in double precision, written straight from docs/spec/gsn.md ("Model", "The
/// unrolled chain"), with the visible states and the noises given: what the finite differences
/// differentiate, independently of the engine's buffers and products.
public sealed class GsnReference(GsnShape shape, GsnChainSettings settings)
{
    readonly int K = shape.HiddenLayers;

    /// Offsets of `W_k` and `b_k` in the `GsnParameters` layout: `W_1 .. W_K`, then `b_0 .. b_K`.
    public int WeightOffset(int k) => Enumerable.Range(1, k - 1).Sum(shape.WeightCount);
    public int BiasOffset(int k) => Enumerable.Range(1, K).Sum(shape.WeightCount) + shape.Sizes.Take(k).Sum();

    double W(double[] theta, int k, int row, int column) => theta[WeightOffset(k) + row * shape.Sizes[k - 1] + column];

    /// `sum_t mean_pixels BCE(p_t, x)` of one example: `visible[t]` the state entering step t,
    /// `noiseIn[k][t]` / `noiseOut[k][t]` the noises of hidden layer k at step t.
    public double Loss(double[] theta, double[] x, double[][] visible, double[][][] noiseIn, double[][][] noiseOut)
    {
        int n0 = shape.Visible;
        var previous = new double[K + 1][];
        for (int k = 1; k <= K; k++) previous[k] = new double[shape.Sizes[k]]; // hidden layers start at 0
        double loss = 0;
        for (int t = 1; t <= settings.Walkback; t++)
        {
            var current = (double[][])previous.Clone();
            for (int k = 1; k <= K; k += 2)
                current[k] = Unit(theta, k, k == 1 ? visible[t] : previous[k - 1], k < K ? previous[k + 1] : null, noiseIn[k][t], noiseOut[k][t]);
            for (int i = 0; i < n0; i++)
            {
                // o = W_1^T h_1 + b_0; BCE(sigmoid(o), x) = softplus(o) - x o
                double o = theta[BiasOffset(0) + i];
                for (int j = 0; j < shape.Sizes[1]; j++) o += W(theta, 1, j, i) * current[1][j];
                loss += (Math.Max(o, 0) + Math.Log(1 + Math.Exp(-Math.Abs(o))) - x[i] * o) / n0;
            }
            if (t < settings.Walkback)
                for (int k = 2; k <= K; k += 2)
                    current[k] = Unit(theta, k, current[k - 1], k < K ? current[k + 1] : null, noiseIn[k][t], noiseOut[k][t]);
            previous = current;
        }
        return loss;
    }

    /// `h_k = tanh(W_k below + W_{k+1}^T above + b_k + eta_in) + eta_out`.
    double[] Unit(double[] theta, int k, double[] below, double[]? above, double[]? etaIn, double[]? etaOut)
    {
        var h = new double[shape.Sizes[k]];
        for (int j = 0; j < h.Length; j++)
        {
            double a = theta[BiasOffset(k) + j];
            for (int i = 0; i < below.Length; i++) a += W(theta, k, j, i) * below[i];
            if (above is not null)
                for (int i = 0; i < above.Length; i++) a += W(theta, k + 1, i, j) * above[i];
            h[j] = Math.Tanh(a + (etaIn?[j] ?? 0)) + (etaOut?[j] ?? 0);
        }
        return h;
    }
}
