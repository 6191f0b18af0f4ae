namespace SimdSfnn.Nn.Gated;

/// The conditional-computation classifier of units.md ("The conditional-computation experiment";
/// 1308.3432 section 5): a gater `x -> Hidden tanh -> Gates` gating units `h`, an expert
/// `x -> Gates` linear units `H`, and `o = V^T (H * h) + b_o` into a `Classes`-way softmax.
/// The paper's sizes are 784-400-2000 and 2000 experts, 10 classes.
internal sealed record GatedShape(int Inputs, int Hidden = 400, int Gates = 2000, int Classes = 10)
{
    public long ParameterCount =>
        (long)Hidden * (Inputs + 1) + (long)Gates * (Hidden + 1) + (long)Gates * (Inputs + 1) + (long)Gates * Classes + Classes;

    /// The gater path's parameters (`W1`, `b1`, `W2`, `b2`), which lead the parameter block.
    public long GaterParameterCount => (long)Hidden * (Inputs + 1) + (long)Gates * (Hidden + 1);

    public override string ToString() => $"{Inputs}-{Hidden}-{Gates}x{Gates}-{Classes}";
}
