using SimdSfnn.Nn;

namespace SimdSfnn.Estimators.Exact;

/// A tiny network and one example `(x, y)` in double precision, the input of exact enumeration.
/// `Theta` has the layout of `Parameters`: `W_0, b_0, W_1, b_1, ...`, `W_l` (Sizes[l+1], Sizes[l]) row-major.
public sealed class ExactNetwork
{
    readonly int[] weightOffsets;
    readonly int[] biasOffsets;

    /// `label` is `y` for the softmax head; `target` (length nOut, 0/1) is `y` for the Bernoulli head.
    public ExactNetwork(NetworkShape shape, double[] theta, double[] x, int label, double[]? target)
    {
        if (theta.Length != shape.ParameterCount) throw new ArgumentException($"theta has {theta.Length} values; the shape {shape} needs {shape.ParameterCount}");
        if (x.Length != shape.Inputs) throw new ArgumentException($"x has {x.Length} values; the shape {shape} needs {shape.Inputs}");
        if (shape.Head == OutputHead.Softmax && (uint)label >= (uint)shape.Outputs) throw new ArgumentException($"label {label} is not a class of {shape.Outputs}");
        if (shape.Head == OutputHead.Bernoulli && target?.Length != shape.Outputs) throw new ArgumentException($"the Bernoulli head needs a target of length {shape.Outputs}");
        Shape = shape;
        Theta = theta;
        X = x;
        Label = label;
        Target = shape.Head == OutputHead.Bernoulli ? target! : [];
        weightOffsets = Enumerable.Range(0, shape.LayerCount).Select(shape.WeightOffset).ToArray();
        biasOffsets = Enumerable.Range(0, shape.LayerCount).Select(shape.BiasOffset).ToArray();
        HiddenUnits = shape.Sizes[1..^1].Sum();
    }

    public NetworkShape Shape { get; }
    public double[] Theta { get; }
    public double[] X { get; }
    public int Label { get; }
    public double[] Target { get; }

    /// `H`, the number of hidden units in all layers.
    public int HiddenUnits { get; }
    public int HiddenLayers => Shape.HiddenLayerCount;
    public int ParameterCount => Theta.Length;
    /// Index in `Theta` of the output layer's `W_{L+1}`: parameters before it are hidden ones.
    public int OutputOffset => weightOffsets[^1];

    public int WeightOffset(int layer) => weightOffsets[layer];
    public int BiasOffset(int layer) => biasOffsets[layer];
    /// `W_l`, (Sizes[l+1], Sizes[l]).
    public ReadOnlySpan<double> W(int layer) => Theta.AsSpan(weightOffsets[layer], Shape.WeightCount(layer));
    /// `b_l`, (Sizes[l+1]).
    public ReadOnlySpan<double> Bias(int layer) => Theta.AsSpan(biasOffsets[layer], Shape.Sizes[layer + 1]);

    /// The same network and example with other parameters (finite differences, fixed samplers).
    public ExactNetwork WithTheta(double[] theta) => new(Shape, theta, X, Label, Shape.Head == OutputHead.Bernoulli ? Target : null);

    /// The same network and example with STS units in every hidden layer (`StsEnumeration`).
    internal ExactNetwork WithStsUnits()
    {
        var units = Shape.Sizes[1..^1].Select(_ => (Nn.Units.IHiddenUnit)new Nn.Units.StsUnit()).ToArray();
        return new(new NetworkShape(Shape.Sizes, Shape.Head, units), Theta, X, Label, Shape.Head == OutputHead.Bernoulli ? Target : null);
    }

    /// The parameters rounded to float, for the engine's fast path.
    public Parameters ToParameters()
    {
        var parameters = new Parameters(Shape);
        for (int i = 0; i < Theta.Length; i++) parameters.Data[i] = (float)Theta[i];
        return parameters;
    }
}
