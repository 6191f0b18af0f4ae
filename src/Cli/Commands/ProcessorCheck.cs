using System.Diagnostics;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// How many processors' worth of arithmetic the pool's threads get right now: the FMA rate of
/// all of them at once over one thread's. On a virtual machine the hypervisor may place two
/// virtual processors on two cores (about 2) or on the two hardware threads of one core (about
/// 1: they share its FMA units); this machine did both within an hour, and a thread-scaling
/// figure means little without knowing which. Arithmetic only: a neighbour on a core's other
/// hardware thread that only moves memory (this machine's vCPU 0 stored at 120-137 GB/s while
/// vCPU 1 stored at 194-200, both at full FMA rate) slows the step and does not show here.
sealed class ProcessorCheck(int threads) : IShardedWork
{
    /// Rounds of `FmaChains` per thread and run: about 4 ms at 2 x 16-lane FMAs per cycle.
    const int Iterations = 1_000_000;
    readonly float[] results = new float[threads];

    /// The FMA peak of the current kernel path, measured now: one thread's and all the pool's
    /// threads' at once, in FLOP/s (a multiply-add is two), each the best of five runs (a thread
    /// the hypervisor stops for part of one run makes that run look like less).
    public static FmaPeak Measure(WorkerPool pool)
    {
        var check = new ProcessorCheck(pool.ThreadCount);
        double one = double.MaxValue, all = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            long start = Stopwatch.GetTimestamp();
            check.Run(0);
            one = Math.Min(one, Stopwatch.GetElapsedTime(start).TotalSeconds);
            // one thread is the pool: its scaling is 1 by definition, not a second timing
            if (pool.ThreadCount == 1) continue;
            start = Stopwatch.GetTimestamp();
            pool.Run(check);
            all = Math.Min(all, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        if (pool.ThreadCount == 1) all = one;
        double flops = 2.0 * FmaChains.FmasPerIteration * Iterations;
        return new FmaPeak(flops / one, pool.ThreadCount * flops / all);
    }

    public void Run(int shard) => results[shard] = FmaChains.Run(Iterations);
}

/// FLOP/s of the FMA-only loop on one thread and on all of a pool's threads at once.
readonly record struct FmaPeak(double OneThread, double AllThreads)
{
    /// All threads' rate over one thread's: about 2 on two cores, 1 on one core's two hardware threads.
    public double Scaling => AllThreads / OneThread;
}
