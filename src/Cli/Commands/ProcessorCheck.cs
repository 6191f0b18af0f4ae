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

    /// All threads' FMA throughput over one thread's, from the best of five runs of each (a
    /// thread the hypervisor stops for part of one run makes that run look like less).
    public static double Scaling(WorkerPool pool)
    {
        var check = new ProcessorCheck(pool.ThreadCount);
        double one = double.MaxValue, all = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            long start = Stopwatch.GetTimestamp();
            check.Run(0);
            one = Math.Min(one, Stopwatch.GetElapsedTime(start).TotalSeconds);
            start = Stopwatch.GetTimestamp();
            pool.Run(check);
            all = Math.Min(all, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return pool.ThreadCount * one / all;
    }

    public void Run(int shard) => results[shard] = FmaChains.Run(Iterations);
}
