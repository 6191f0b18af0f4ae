namespace SimdSfnn.Nn;

/// Examples ready for the network: inputs `X` (Count, Inputs) and either class `Labels`
/// (softmax head) or 0/1 target rows `Targets` (Count, Outputs) for the Bernoulli head.
public sealed class ExampleSet(float[] x, int count, int inputs, int[]? labels, float[]? targets, int outputs)
{
    public float[] X { get; } = x;
    public int Count { get; } = count;
    public int Inputs { get; } = inputs;
    public int[]? Labels { get; } = labels;
    public float[]? Targets { get; } = targets;
    public int Outputs { get; } = outputs;

    public ReadOnlySpan<float> Input(int index) => X.AsSpan(index * Inputs, Inputs);
    public ReadOnlySpan<float> Target(int index) => Targets.AsSpan(index * Outputs, Outputs);
}
