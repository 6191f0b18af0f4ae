namespace SimdSfnn.Nn.Estimation;

/// The contract every gradient estimator meets (one sealed class per estimator).
///
/// The engine owns everything the estimators share: sampling, the output layer's signal
/// `G(o^(m)) = wbar^(m) d log P(y|h^(m)) / d o^(m)` (Raiko et al. 2014, eq. 15-17), and turning a
/// hidden signal into weight and bias gradients, `G(W_l) = sum_m d_l^(m) h_{l-1}^(m)^T`.
/// An estimator only says, for each hidden layer from the top down, what the signal `d_l^(m)`
/// (its estimate of the gradient with respect to the pre-activation `a_l^(m)`) is.
/// All gradients are ascent directions of the criterion `C_M`.
public interface IGradientEstimator
{
    /// The name used on the command line and in logs (`G1` .. `G5`, `deterministic`).
    string Name { get; }

    /// False for the deterministic net, whose hidden units are `h = s` and whose `M` is 1.
    bool SamplesHidden { get; }

    /// True when `d_l` needs the back-propagated `g_l = W_{l+1}^T d_{l+1}`; the engine then
    /// computes `g_l` into `HiddenLayerBatch.G` before calling `HiddenSignal`.
    bool BackPropagates { get; }

    /// True when `d_l = f(s_l) g_l` elementwise, reading neither `h`, `wbar` nor `C_M` (G2, G3):
    /// the engine may then sum `g_1` over an example's samples, which share `s_1`, and
    /// back-propagate one first-layer row per example instead of M.
    bool SignalIsElementwiseInSAndG => false;

    /// Floats of per-shard statistics the estimator keeps for a hidden layer of `width` units
    /// (G1's moving-average baseline); 0 for the others.
    int StatisticsLength(int width);

    /// Writes `d_l^(m)` for every row (example-major: row = example * M + m) into `d`,
    /// and adds the layer's statistics of this batch to `statistics`.
    void HiddenSignal(in HiddenLayerBatch layer, Span<float> d, Span<float> statistics);

    /// Called once per training step with the statistics summed over every shard.
    void EndStep(int hiddenLayer, ReadOnlySpan<float> statistics);
}
