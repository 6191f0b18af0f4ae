using SimdSfnn.Nn;

namespace SimdSfnn.Property.Nn;

/// Small learnable data sets made on the spot: each class is a random prototype, and an
/// example is its class's prototype plus noise.
public static class TinyData
{
    public static ExampleSet Classification(int count, int inputs, int classes, int seed)
    {
        var random = new Random(seed);
        var prototypes = new float[classes * inputs];
        for (int i = 0; i < prototypes.Length; i++) prototypes[i] = random.Next(2) * 1.6f - 0.8f;
        var x = new float[count * inputs];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = random.Next(classes);
            for (int j = 0; j < inputs; j++)
                x[n * inputs + j] = prototypes[labels[n] * inputs + j] + (float)(random.NextDouble() - 0.5);
        }
        return new ExampleSet(x, count, inputs, labels, null, classes);
    }

    public static ExampleSet Structured(int count, int inputs, int outputs, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * inputs];
        var y = new float[count * outputs];
        for (int n = 0; n < count; n++)
        {
            int mode = random.Next(2);
            for (int j = 0; j < inputs; j++) x[n * inputs + j] = random.Next(2);
            for (int j = 0; j < outputs; j++) y[n * outputs + j] = (j % 2 == mode) ^ (random.NextDouble() < 0.1) ? 1 : 0;
        }
        return new ExampleSet(x, count, inputs, null, y, outputs);
    }

    public static Parameters RandomParameters(NetworkShape shape, int seed, double scale = 1.0)
    {
        var theta = new Parameters(shape);
        var random = new Random(seed);
        for (int i = 0; i < theta.Data.Length; i++) theta.Data[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return theta;
    }
}
