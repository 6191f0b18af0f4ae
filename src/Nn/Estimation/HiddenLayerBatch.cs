namespace SimdSfnn.Nn.Estimation;

/// What an estimator may read about one hidden layer `l` for a batch of examples, each with
/// `M` samples. Rows are example-major (row = example * M + m); `R = Examples * M`.
public readonly ref struct HiddenLayerBatch
{
    /// Index of the hidden layer, 0 for the first.
    public int Layer { get; init; }
    public int Width { get; init; }
    public int Examples { get; init; }
    public int Samples { get; init; }
    /// `h_l^(m)`, (R, Width): sampled 0/1 states (or `s_l` for the deterministic net).
    public ReadOnlySpan<float> H { get; init; }
    /// `s_l^(m) = sigmoid(a_l^(m))`, (R, Width).
    public ReadOnlySpan<float> S { get; init; }
    /// `g_l = W_{l+1}^T d_{l+1}`, (R, Width); only filled when the estimator back-propagates.
    public ReadOnlySpan<float> G { get; init; }
    /// `wbar^(m)`, (R): the normalised weights `w^(m) / sum_m' w^(m')` of each example's samples.
    public ReadOnlySpan<float> WeightBar { get; init; }
    /// `C_M`, (Examples): each example's criterion `log (1/M) sum_m w^(m)`.
    public ReadOnlySpan<float> Criterion { get; init; }

    public int Rows => Examples * Samples;
}
