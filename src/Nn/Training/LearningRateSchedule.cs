namespace SimdSfnn.Nn.Training;

/// Raiko et al. 2014, section 3: the rate rises linearly from 0 to its maximum over the first
/// five epochs and falls linearly back to 0 at the end. Runs of ten epochs or fewer warm up
/// over the first half instead, so that a short run still has both ramps.
public sealed class LearningRateSchedule(float maximum, int epochs, int stepsPerEpoch)
{
    public float Maximum { get; } = maximum;
    readonly double warmupSteps = Math.Min(5.0, epochs / 2.0) * stepsPerEpoch;
    readonly double totalSteps = (double)epochs * stepsPerEpoch;

    /// The rate for global step `step` (0-based); the midpoint of the step is used so that
    /// neither the first nor the last step has a zero rate.
    public float At(long step)
    {
        double t = step + 0.5;
        double up = t / warmupSteps, down = (totalSteps - t) / (totalSteps - warmupSteps);
        return (float)(Maximum * Math.Clamp(Math.Min(up, down), 0, 1));
    }
}
