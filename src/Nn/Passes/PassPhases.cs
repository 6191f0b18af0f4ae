using System.Diagnostics;

namespace SimdSfnn.Nn.Passes;

/// The phases of one pass, in the order they run.
internal enum PassPhase
{
    FirstLayerForward, FirstLayerSample, HiddenForward, HiddenSample, OutputForward, OutputHead,
    OutputGradient, InputGradient, HiddenSignal, HiddenWeightGradient, FirstWeightGradient,
}

/// Clock ticks per `PassPhase`, summed over every pass that was handed this object. The clock is
/// the stopwatch unless the caller passes another (the bench passes the thread's CPU time, which a
/// machine shared with other jobs does not inflate).
internal sealed class PassPhases(Func<long>? clock = null, long ticksPerSecond = 0)
{
    readonly Func<long> clock = clock ?? Stopwatch.GetTimestamp;

    public long[] Ticks { get; } = new long[Enum.GetValues<PassPhase>().Length];
    public long TicksPerSecond { get; } = clock is null ? Stopwatch.Frequency : ticksPerSecond;

    public long Now() => clock();

    /// Adds the time since `since` to `phase` and returns now.
    public long Mark(PassPhase phase, long since)
    {
        long now = clock();
        Ticks[(int)phase] += now - since;
        return now;
    }
}
