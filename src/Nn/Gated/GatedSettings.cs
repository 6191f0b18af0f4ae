namespace SimdSfnn.Nn.Gated;

/// The training constants of the gated classifier (units.md, "The conditional-computation
/// experiment"): the target fraction `s` of non-zero gates, the penalty's weight (KL gaters: the
/// weight of `sum_i KL(s || q_i)` added to the minibatch's mean cross-entropy; noisy-relu: the
/// L1 coefficient's start), the L1 coefficient's factor per step while the measured fraction is
/// outside `s +- 0.01`, the momentum, the max-norm of each unit's incoming weights, the weight decay, and what
/// sts's KL penalty holds at `s`.
internal sealed record GatedSettings
{
    public float Sparsity { get; init; } = 0.1f;
    public float SparsityWeight { get; init; } = 1f;
    public float L1Factor { get; init; } = 1.01f;
    public float Momentum { get; init; }
    public float MaxNorm { get; init; } = 2f;
    /// The gater path's learning rate as a multiple of the rest's (1308.3432 trains the gater of its
    /// unbiased estimator at 0.001 beside the rest's 0.1): its high-variance signal reaches `W1`,
    /// `b1`, `W2`, `b2` only.
    public float GaterRateScale { get; init; } = 1f;
    /// The L2 penalty `lambda/2 |w|^2` on every weight (not the biases), taken as a shrink of each
    /// unit's incoming weights by `1 - lr lambda` after the momentum step.
    public float WeightDecay { get; init; }
    /// sts only: the KL penalty holds the fraction non-zero `P(h > 0) = sqrt(p)` at `s`, instead of
    /// the spec's mean activation `E[h] = p` (which leaves about sqrt(0.1) = 32% of the gates on).
    public bool KlOnNonzero { get; init; }
}
