using SimdSfnn.Nn.Gsn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Gsn;

/// The hand-written backward pass of the unrolled chain equals central finite differences of the
/// loss in double precision (`GsnReference`), for every parameter, with the chain's visible
/// states and noises held at what the engine drew; on every kernel path.
[Collection(nameof(KernelIsaCollection))]
public sealed class GsnGradientTests
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    public static TheoryData<int[], int, float> Nets() => new()
    {
        { [6, 5, 4], 2, 2f },      // GSN-2, as the paper's but tiny
        { [6, 5, 4], 4, 0.7f },    // four walkback steps
        { [7, 5, 4, 3], 4, 1f },   // K = 3: an odd layer with both neighbours hidden
        { [6, 5], 3, 0f },         // GSN-1 without noise: the walkback denoising auto-encoder
    };

    [Theory, MemberData(nameof(Isas))]
    public void Backward_matches_central_differences_for_every_parameter(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        foreach (var (sizes, walkback, noise) in Nets().Select(r => ((int[])r[0], (int)r[1], (float)r[2])))
            Check(sizes, walkback, noise);
    }

    static void Check(int[] sizes, int walkback, float noise)
    {
        var shape = new GsnShape(sizes);
        var settings = new GsnChainSettings(walkback, noise, 0.4f);
        const int rows = 3;
        var theta = new GsnParameters(shape);
        var random = new Random(sizes.Sum() + walkback);
        for (int i = 0; i < theta.Data.Length; i++) theta.Data[i] = (float)(random.NextDouble() * 2 - 1);
        var chain = new GsnChain(shape, settings, rows);
        for (int e = 0; e < rows; e++)
        {
            for (int j = 0; j < shape.Visible; j++) chain.Input(e)[j] = (float)random.NextDouble();
            chain.Stream(e) = RandomStream.Create(5, (ulong)e);
        }
        double loss = chain.Forward(theta, rows);
        var gradient = new GsnParameters(shape);
        chain.Backward(theta, rows, gradient);
        // a replay of the recorded states and noises gives the same bits
        Assert.Equal(loss, chain.Forward(theta, rows, draw: false));

        var reference = new GsnReference(shape, settings);
        int n0 = shape.Visible, K = shape.HiddenLayers;
        double Total(double[] parameters)
        {
            double sum = 0;
            for (int e = 0; e < rows; e++)
            {
                double[] Row(ReadOnlySpan<float> m, int n) => m.IsEmpty ? null! : m.Slice(e * n, n).ToArray().Select(v => (double)v).ToArray();
                var visible = Enumerable.Range(0, walkback + 1).Select(t => t == 0 ? [] : Row(chain.Visible(t), n0)).ToArray();
                var etaIn = new double[K + 1][][];
                var etaOut = new double[K + 1][][];
                for (int k = 1; k <= K; k++)
                {
                    etaIn[k] = Enumerable.Range(0, walkback + 1).Select(t => t == 0 ? null! : settings.Noisy(k) ? Row(chain.NoiseIn(k, t), sizes[k]) : null!).ToArray();
                    etaOut[k] = Enumerable.Range(0, walkback + 1).Select(t => t == 0 ? null! : settings.Noisy(k) ? Row(chain.NoiseOut(k, t), sizes[k]) : null!).ToArray();
                }
                sum += reference.Loss(parameters, chain.Input(e).ToArray().Select(v => (double)v).ToArray(), visible, etaIn, etaOut);
            }
            return sum;
        }

        var at = theta.Data.Select(v => (double)v).ToArray();
        double referenceLoss = Total(at);
        Assert.True(Math.Abs(loss - referenceLoss) <= 1e-5 * Math.Max(1, Math.Abs(referenceLoss)), $"{shape}: engine loss {loss} vs reference {referenceLoss}");
        const double h = 1e-6;
        for (int i = 0; i < at.Length; i++)
        {
            double saved = at[i];
            at[i] = saved + h;
            double up = Total(at);
            at[i] = saved - h;
            double down = Total(at);
            at[i] = saved;
            double descent = -(up - down) / (2 * h); // the engine returns the ascent direction -dL/dtheta
            // float products and sums over at most a few hundred terms: 1e-5 relative, 2e-6 absolute
            Assert.True(Math.Abs(gradient.Data[i] - descent) <= 2e-6 + 1e-4 * Math.Abs(descent),
                        $"{shape}, T = {walkback}, noise {noise}: parameter {i} has gradient {gradient.Data[i]}, finite differences {descent}");
        }
    }
}
