using SimdSfnn.Nn.Units;

namespace SimdSfnn.Nn;

/// How the output layer turns its pre-activation `o` into `P(y | h)`.
public enum OutputHead
{
    /// `P(y | h) = softmax(o)[y]`, `y` a class index.
    Softmax,
    /// `P(y | h) = prod_j sigmoid(o_j)^y_j (1 - sigmoid(o_j))^(1 - y_j)`, `y` a 0/1 vector.
    Bernoulli,
}

/// Layer sizes `n_0 .. n_{L+1}` (input, hidden..., output) and the output head.
/// Layer `l` (0-based here) maps `Sizes[l]` units to `Sizes[l + 1]`: `W_l` is (Sizes[l+1], Sizes[l]).
public sealed class NetworkShape
{
    public NetworkShape(IReadOnlyList<int> sizes, OutputHead head)
    {
        if (sizes.Count < 3) throw new ArgumentException("a network needs an input, at least one hidden layer and an output");
        for (int l = 1; l < sizes.Count; l++)
            if (sizes[l] < 1) throw new ArgumentException($"layer {l} has width {sizes[l]}; widths must be at least 1");
        if (sizes[0] < 0) throw new ArgumentException("the input width must not be negative");
        Sizes = sizes.ToArray();
        Head = head;
        Units = Enumerable.Repeat<IHiddenUnit>(HiddenUnits.Bernoulli, HiddenLayerCount).ToArray();
    }

    /// The same sizes and head with unit kind `units[k]` in hidden layer `k`.
    internal NetworkShape(IReadOnlyList<int> sizes, OutputHead head, IReadOnlyList<IHiddenUnit> units) : this(sizes, head)
    {
        if (units.Count != HiddenLayerCount)
            throw new ArgumentException($"{units.Count} unit kinds for {HiddenLayerCount} hidden layers");
        // the engine's passes sample the binary unit with their own fused kernel and give every
        // other unit the back-propagation it states, so a unit must be one or the other
        if (units.Any(u => !u.HasPathwiseGradient && u is not SigmoidBernoulliUnit))
            throw new ArgumentException("a unit without a pathwise gradient must be the sigmoid-Bernoulli unit");
        Units = units.ToArray();
    }

    /// The unit kind of each hidden layer; sigmoid-Bernoulli unless the network says otherwise.
    internal IHiddenUnit[] Units { get; }

    public int[] Sizes { get; }
    public OutputHead Head { get; }
    public int Inputs => Sizes[0];
    public int Outputs => Sizes[^1];
    /// Number of weight matrices, `L + 1`.
    public int LayerCount => Sizes.Length - 1;
    public int HiddenLayerCount => Sizes.Length - 2;
    public int MaxWidth => Sizes.Max();

    public int WeightCount(int layer) => Sizes[layer + 1] * Sizes[layer];
    public int ParameterCount
    {
        get
        {
            int total = 0;
            for (int l = 0; l < LayerCount; l++) total += WeightCount(l) + Sizes[l + 1];
            return total;
        }
    }

    /// Where `W_layer` starts in the layout of `Parameters` (`W_0, b_0, W_1, b_1, ...`).
    public int WeightOffset(int layer)
    {
        int offset = 0;
        for (int l = 0; l < layer; l++) offset += WeightCount(l) + Sizes[l + 1];
        return offset;
    }

    /// Where `b_layer` starts in the layout of `Parameters`.
    public int BiasOffset(int layer) => WeightOffset(layer) + WeightCount(layer);

    public override string ToString() => string.Join('-', Sizes);

    /// The unit names, comma-separated (`bernoulli,noisy-relu`).
    internal string UnitNames => string.Join(',', Units.Select(u => u.Name));
}
