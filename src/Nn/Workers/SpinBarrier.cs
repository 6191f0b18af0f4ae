using System.Diagnostics;

namespace SimdSfnn.Nn.Workers;

/// A barrier for the workers of one `WorkerPool.Run` whose phases last microseconds: each
/// arrival spins on a generation number, then yields (no parking, no allocation;
/// `System.Threading.Barrier` allocates now and then). A worker that fails calls `Break`, and
/// every worker waiting or arriving afterwards throws instead of waiting for it forever.
internal sealed class SpinBarrier(int participants)
{
    /// How long a worker spins before it yields: longer than the waits of a balanced step (tens of us).
    static readonly long SpinTicks = Stopwatch.Frequency / 10_000; // 100 us

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
        long since = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref generation) == seen)
        {
            if (broken) Throw();
            // with more workers than processors the one being waited for may not be running:
            // after a while, give it the processor (3 workers on this 2-core machine took 20 ms
            // a deterministic step spinning on, 2.2 ms yielding)
            if (Stopwatch.GetTimestamp() - since < SpinTicks) Thread.SpinWait(8);
            else Thread.Yield();
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
