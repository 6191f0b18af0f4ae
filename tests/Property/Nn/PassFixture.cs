using FsCheck;
using FsCheck.Fluent;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn.Passes;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Nn;

/// A small network with widths off the 16-lane grid, random inputs, labels and targets, and one
/// forward and backward pass over them: for tests that compute a pass two ways and compare.
sealed class PassFixture
{
    readonly float[] x;
    readonly int[] labels;
    readonly float[] targets;
    readonly int seed;
    readonly string description;

    /// Random fixtures: any estimator, M from `samples`, 1-5 examples, either head, any seed.
    public static Gen<PassFixture> Random(params int[] samples) =>
        from estimator in Gen.Choose(0, EstimatorRegistry.Names.Length - 1)
        from m in Gen.Elements(samples)
        from examples in Gen.Choose(1, 5)
        from bernoulli in Gen.Elements(false, true)
        from seed in Gen.Choose(0, int.MaxValue)
        select new PassFixture((EstimatorKind)estimator, m, examples, bernoulli, seed);

    public PassFixture(EstimatorKind kind, int samples, int examples, bool bernoulli, int seed)
    {
        this.seed = seed;
        description = $"{kind} M={samples} E={examples} {(bernoulli ? "bernoulli" : "softmax")} seed {seed}";
        var rnd = new Random(seed);
        var head = bernoulli ? OutputHead.Bernoulli : OutputHead.Softmax;
        int[] sizes = bernoulli ? [11, 17, 35, 9, 7] : [13, 21, 18, 5];
        Shape = new NetworkShape(sizes, head);
        Theta = TinyData.RandomParameters(Shape, seed: seed, scale: 1.5); // some units saturate, some do not
        Estimator = EstimatorRegistry.Create(kind, Shape.Sizes[1..^1]);
        Samples = Estimator.SamplesHidden ? samples : 1;
        Examples = examples;
        x = new float[examples * Shape.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rnd.NextDouble() * 2 - 1);
        labels = Enumerable.Range(0, examples).Select(_ => rnd.Next(Shape.Outputs)).ToArray();
        targets = new float[bernoulli ? examples * Shape.Outputs : 0];
        for (int i = 0; i < targets.Length; i++) targets[i] = rnd.Next(2);
    }

    public override string ToString() => description; // what FsCheck prints for a failing case

    public NetworkShape Shape { get; }
    public Parameters Theta { get; }
    public IGradientEstimator Estimator { get; }
    public int Samples { get; }
    public int Examples { get; }

    /// Every sample's log-weight, the summed gradient and the estimator's statistics of one pass.
    /// With `overwrite`, the gradient buffer starts full of NaN and Backward is told to overwrite it.
    public (float[] logW, float[] gradient, float[][] statistics) Run(ProductStrategy products, WeightLayouts? layouts = null, bool overwrite = false)
    {
        int E = Examples, M = Samples;
        var pass = new NetworkPass(Shape, E, M) { Products = products };
        for (int e = 0; e < E; e++)
        {
            x.AsSpan(e * Shape.Inputs, Shape.Inputs).CopyTo(pass.Input(e));
            pass.Stream(e) = RandomStream.Create((ulong)seed, (ulong)e);
        }
        var gradient = new Parameters(Shape);
        if (overwrite) Array.Fill(gradient.Data, float.NaN);
        var statistics = Shape.Sizes[1..^1].Select(w => new float[Estimator.StatisticsLength(w)]).ToArray();
        pass.Forward(Theta, E, M, Estimator.SamplesHidden, labels, targets, layouts);
        pass.Backward(Theta, Estimator, gradient, labels, targets, statistics, overwrite);
        var logW = Enumerable.Range(0, E).SelectMany(e => pass.LogWeights(e).ToArray()).ToArray();
        return (logW, gradient.Data, statistics);
    }
}
