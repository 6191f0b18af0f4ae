namespace SimdSfnn.Nn;

/// A barrier for the workers of one `WorkerPool.Run` whose phases last microseconds: each
/// arrival spins on a generation number (no parking, no allocation; `System.Threading.Barrier`
/// allocates now and then). A worker that fails calls `Break`, and every worker waiting or
/// arriving afterwards throws instead of waiting for it forever.
public sealed class SpinBarrier(int participants)
{
    int remaining = participants;
    int generation;
    volatile bool broken;

    public int Participants { get; } = participants;

    /// Waits until all participants have arrived.
    public void SignalAndWait()
    {
        // read before arriving: the generation cannot move on until this worker has arrived
        int seen = Volatile.Read(ref generation);
        if (broken) Throw();
        if (Interlocked.Decrement(ref remaining) == 0)
        {
            remaining = Participants;
            Volatile.Write(ref generation, seen + 1);
            return;
        }
        while (Volatile.Read(ref generation) == seen)
        {
            if (broken) Throw();
            Thread.SpinWait(8);
        }
    }

    /// Releases every waiter with an exception; the barrier stays broken until `Reset`.
    public void Break() => broken = true;

    /// Ready for a new run; call only while no worker is inside.
    public void Reset()
    {
        remaining = Participants;
        broken = false;
    }

    static void Throw() => throw new OperationCanceledException("another worker failed");
}
