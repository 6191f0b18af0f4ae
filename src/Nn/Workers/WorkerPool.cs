using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace SimdSfnn.Nn.Workers;

/// Work split into a fixed number of shards, one per worker; shard 0 runs on the caller.
public interface IShardedWork
{
    void Run(int shard);
}

/// A fixed set of threads that run one `IShardedWork` per call, fork-join, without
/// allocating: `Parallel.For` allocates per call and `Barrier` now and then, either of which
/// would break the zero-allocation step. Workers spin briefly, then park on a monitor.
public sealed class WorkerPool : IDisposable
{
    /// How long a worker (or the caller, waiting for them) spins before it parks on the monitor.
    /// Waking a parked thread took about 40 us here, as much as a quarter of a deterministic
    /// step's pass; a training step comes back long before this, so its workers never park.
    static readonly long SpinTicks = Stopwatch.Frequency / 1000; // 1 ms
    /// Pause instructions between looks at the flag while spinning. `SpinWait.SpinOnce` yields
    /// the processor after a few rounds, and in this virtual machine each `sched_yield` went
    /// through the hypervisor: 13% of a deterministic run's CPU time, and a flag that flipped
    /// mid-call was seen a few microseconds late.
    const int SpinIterations = 8;

    readonly object gate = new();
    readonly Thread[] threads;
    IShardedWork? work;
    Exception? failure;
    int generation;
    int pending;
    volatile bool stopping;

    public WorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        threads = new Thread[threadCount - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            int shard = i + 1;
            threads[i] = new Thread(() => Loop(shard)) { IsBackground = true, Name = $"sfnn-worker-{shard}" };
            threads[i].Start();
        }
    }

    public int ThreadCount { get; }

    /// Worker `worker` of `workers`'s share of `count` floats: whole 16-float blocks, so that no
    /// two workers write within one cache line.
    public static (int Start, int Length) BlockShare(int count, int worker, int workers)
    {
        int blocks = (count + 15) / 16;
        int lo = Math.Min(count, 16 * (int)((long)blocks * worker / workers)), hi = Math.Min(count, 16 * (int)((long)blocks * (worker + 1) / workers));
        return (lo, hi - lo);
    }

    /// Runs `work.Run(s)` for every shard `s` in `0..ThreadCount` and returns when all are done.
    public void Run(IShardedWork work)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        this.work = work;
        Volatile.Write(ref pending, threads.Length);
        lock (gate)
        {
            generation++;
            Monitor.PulseAll(gate);
        }
        RunShard(0);
        long since = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref pending) != 0 && Stopwatch.GetTimestamp() - since < SpinTicks) Thread.SpinWait(SpinIterations);
        lock (gate)
            while (pending != 0) Monitor.Wait(gate);
        this.work = null;
        var error = failure;
        if (error is not null)
        {
            failure = null;
            ExceptionDispatchInfo.Throw(error);
        }
    }

    void Loop(int shard)
    {
        int seen = 0;
        while (true)
        {
            long since = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref generation) == seen && !stopping && Stopwatch.GetTimestamp() - since < SpinTicks) Thread.SpinWait(SpinIterations);
            lock (gate)
            {
                while (generation == seen && !stopping) Monitor.Wait(gate);
                seen = generation;
            }
            if (stopping) return;
            RunShard(shard);
            if (Interlocked.Decrement(ref pending) == 0)
                lock (gate) Monitor.PulseAll(gate);
        }
    }

    void RunShard(int shard)
    {
        try { work!.Run(shard); }
        catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
    }

    public void Dispose()
    {
        if (stopping) return;
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }
        foreach (var t in threads) t.Join();
    }
}
