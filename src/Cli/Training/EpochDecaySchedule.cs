namespace SimdSfnn.Cli.Training;

/// A rate multiplied by a constant factor after each epoch, `initial x decay^epoch`: the GSN's
/// schedule (Bengio et al. 2014, section 7) and the gated classifier's `--decay`.
internal readonly struct EpochDecaySchedule(double initial, double decay)
{
    public double Initial { get; } = initial;
    public double Decay { get; } = decay;

    /// The rate of epoch `epoch` (0-based).
    public float At(int epoch) => (float)(Initial * Math.Pow(Decay, epoch));
}
