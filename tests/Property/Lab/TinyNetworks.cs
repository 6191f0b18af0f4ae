using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators.Exact;
using SimdSfnn.Nn;

namespace SimdSfnn.Property.Lab;

/// One random tiny network and example with the lab's settings: `M` samples, G5's `c` and G1's baseline.
public sealed record TinyCase(int Seed, ExactNetwork Network, int Samples, double C, double Baseline)
{
    public override string ToString() =>
        $"TinyCase(seed {Seed}: {Network.Shape} {Network.Shape.Head}, M = {Samples}, c = {C:G4}, baseline = {Baseline:G4})";
}

/// Random tiny networks: 1-2 hidden layers of 1-3 units, 0-3 inputs, 1-3 outputs, either head,
/// weights uniform in (-2, 2) (float-representable, so the fast path sees the same network),
/// `M` from 1 to 4 with `H * M` at most `maxBits`, `c` in (0, 2/M), baseline in (-3, 1).
public static class TinyNetworks
{
    public static Arbitrary<TinyCase> Cases(int maxBits = 12, int maxSamples = 4) =>
        Gen.Choose(0, int.MaxValue).Select(seed => Make(seed, maxBits, maxSamples)).ToArbitrary();

    public static TinyCase Make(int seed, int maxBits = 12, int maxSamples = 4)
    {
        var random = new Random(seed);
        var hidden = Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(1, 4)).ToArray();
        var head = random.Next(2) == 0 ? OutputHead.Softmax : OutputHead.Bernoulli;
        int[] sizes = [random.Next(0, 4), .. hidden, random.Next(1, 4)];
        var network = Network(new NetworkShape(sizes, head), random);
        int H = hidden.Sum();
        int samples = random.Next(1, Math.Min(maxSamples, maxBits / H) + 1);
        return new TinyCase(seed, network, samples, Uniform(random, 0, 2.0 / samples), Uniform(random, -3, 1));
    }

    /// Random parameters, input and target for `shape`.
    public static ExactNetwork Network(NetworkShape shape, Random random)
    {
        var theta = Enumerable.Range(0, shape.ParameterCount).Select(_ => Uniform(random, -2, 2)).ToArray();
        var x = Enumerable.Range(0, shape.Inputs).Select(_ => random.Next(3) == 0 ? 0.0 : Uniform(random, -1, 1)).ToArray();
        var target = Enumerable.Range(0, shape.Outputs).Select(_ => (double)random.Next(2)).ToArray();
        return new ExactNetwork(shape, theta, x, random.Next(shape.Outputs), target);
    }

    static double Uniform(Random random, double low, double high) => (float)(low + (high - low) * random.NextDouble());
}
