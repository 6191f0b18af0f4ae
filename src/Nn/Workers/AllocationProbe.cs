namespace SimdSfnn.Nn.Workers;

/// Sums `GC.GetAllocatedBytesForCurrentThread` over the caller and every worker of a pool: the
/// bytes a sharded step allocated, which the process-wide count would mix with other threads'
/// (a test runner's, the runtime's). `sfnn bench` and the zero-allocation tests read it around steps.
internal sealed class AllocationProbe(int threads) : IShardedWork
{
    readonly long[] perThread = new long[threads];

    /// The bytes allocated so far by the threads of `pool` (which must have `threads` of them).
    public long Read(WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        pool.Run(this);
        long total = 0;
        foreach (long bytes in perThread) total += bytes;
        return total;
    }

    public void Run(int shard) => perThread[shard] = GC.GetAllocatedBytesForCurrentThread();
}
