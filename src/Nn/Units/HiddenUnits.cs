namespace SimdSfnn.Nn.Units;

/// The unit kinds by their command-line names, and the `--units` list (one name per hidden
/// layer, or one name for all of them).
internal static class HiddenUnits
{
    /// One instance of each stateless kind serves every layer that uses it.
    public static readonly SigmoidBernoulliUnit Bernoulli = new();

    public static IReadOnlyList<string> Names { get; } = ["bernoulli", "noisy-relu", "sts", "sigmoid", "tanh-noise"];

    public static IHiddenUnit? FromName(string name) => name switch
    {
        "bernoulli" => Bernoulli,
        "noisy-relu" => new NoisyRectifierUnit(RectifierNoise.Gaussian),
        "sts" => new StsUnit(),
        "sigmoid" => new DeterministicSigmoidUnit(),
        "tanh-noise" => new NoisyTanhUnit(),
        _ => null,
    };

    /// The kinds of `layers` hidden layers from `list`, or null with `error` saying why.
    public static IHiddenUnit[]? Parse(string list, int layers, out string? error)
    {
        var names = list.Split(',');
        error = null;
        if (names.Length != 1 && names.Length != layers)
        {
            error = $"{names.Length} unit kinds for {layers} hidden layers (give one for all, or one per layer)";
            return null;
        }
        var units = new IHiddenUnit[layers];
        for (int k = 0; k < layers; k++)
        {
            string name = names[names.Length == 1 ? 0 : k].Trim();
            if (FromName(name) is not { } unit)
            {
                error = $"unknown unit kind '{name}' (expected {string.Join(", ", Names)})";
                return null;
            }
            units[k] = unit;
        }
        return units;
    }
}
