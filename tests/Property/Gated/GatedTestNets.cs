using SimdSfnn.Nn;
using SimdSfnn.Nn.Gated;

namespace SimdSfnn.Property.Gated;

/// Tiny gated nets and data for the tests: 13 inputs, 7 tanh units, 37 gates, 5 classes.
internal static class GatedTestNets
{
    public static readonly GatedShape Shape = new(13, 7, 37, 5);

    public static GatedParameters RandomParameters(GatedShape shape, int seed, float gateBias = -1f)
    {
        var theta = new GatedParameters(shape);
        theta.Initialize((ulong)seed, gateBias);
        var random = new Random(seed);
        // biases away from 0 too, and larger output weights, so that every term matters
        Shift(theta.B1, random);
        Shift(theta.Be, random);
        Shift(theta.Bo, random);
        var V = theta.V;
        for (int i = 0; i < V.Length; i++) V[i] *= 3;
        return theta;
    }

    static void Shift(Span<float> b, Random random)
    {
        for (int i = 0; i < b.Length; i++) b[i] = (float)(random.NextDouble() - 0.5);
    }

    public static ExampleSet Data(GatedShape shape, int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * shape.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var y = new int[count];
        for (int i = 0; i < count; i++) y[i] = random.Next(shape.Classes);
        return new ExampleSet(x, count, shape.Inputs, y, null, shape.Classes);
    }
}
