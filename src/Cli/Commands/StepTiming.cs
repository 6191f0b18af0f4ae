using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// How `sfnn bench` times a training step, whatever the model's (the classifier's, the GSN's):
/// warm-up steps, then `rounds` rounds of `steps` steps, each round's wall and CPU seconds per
/// step, and the medians. Around the timed steps it counts the bytes allocated on the caller and
/// on the pool's workers (a steady-state step should allocate none), and it measures the pool's
/// FMA peak just before and just after, so a reader can tell whether the threads had a core each.
internal sealed record StepTiming(int Threads, int Rounds, int Steps, double SecondsPerStep, double CpuSecondsPerStep, long AllocatedBytes, FmaPeak Before, FmaPeak After)
{
    /// `--steps N --rounds R --epoch-size N`, with the model's defaults for steps and the epoch.
    public static (int Steps, int Rounds, int EpochSize) Options(ParseResult r, int steps, int epochSize)
    {
        ArgumentNullException.ThrowIfNull(r);
        return (r.GetValue(SfnnOptions.Steps) ?? steps, r.GetValue(SfnnOptions.Rounds) ?? 5, r.GetValue(SfnnOptions.EpochSize) ?? epochSize);
    }

    public static StepTiming Measure(WorkerPool pool, Action step, int steps, int rounds)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(step);
        for (int i = 0; i < Math.Max(10, steps / 5); i++) step();
        var peakBefore = ProcessorCheck.Measure(pool);
        var probe = new AllocationProbe(pool.ThreadCount);
        var perStep = new double[rounds];
        var cpuPerStep = new double[rounds];
        long allocated = 0;
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            long bytes = probe.Read(pool);
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++) step();
            perStep[r] = Stopwatch.GetElapsedTime(started).TotalSeconds / steps;
            allocated += probe.Read(pool) - bytes;
            process.Refresh();
            cpuPerStep[r] = (process.TotalProcessorTime - cpu).TotalSeconds / steps;
        }
        var peakAfter = ProcessorCheck.Measure(pool);
        Array.Sort(perStep);
        Array.Sort(cpuPerStep);
        // CPU seconds of every thread per step: on a machine shared with other jobs, wall time
        // also counts the time the workers waited for a core.
        return new StepTiming(pool.ThreadCount, rounds, steps, perStep[rounds / 2], cpuPerStep[rounds / 2], allocated, peakBefore, peakAfter);
    }

    /// The better of the two FMA peaks, in FLOP/s.
    public double Peak => Math.Max(Before.AllThreads, After.AllThreads);

    /// Prints bench's two lines on stderr, `title` naming the step (model, shape, batch), and adds
    /// the timing's fields to `o`, bench's JSON line. `flops`: the step's dense products (its floor).
    public void Report(string title, int batch, int epochSize, double flops, JsonObject o)
    {
        ArgumentNullException.ThrowIfNull(o);
        double examplesPerSecond = batch / SecondsPerStep;
        double overFloor = SecondsPerStep / (flops / Peak);
        string cores = Threads > 1
            ? string.Create(CultureInfo.InvariantCulture, $"; the {Threads} threads' FMA rate {Before.Scaling:F2} / {After.Scaling:F2} times one thread's (before / after)")
            : "";
        string allocation = AllocatedBytes == 0 ? "no allocation" : string.Create(CultureInfo.InvariantCulture, $"{AllocatedBytes} bytes allocated");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title}, {Threads} threads: {SecondsPerStep * 1e3:F3} ms/step (median of {Rounds} x {Steps}; {CpuSecondsPerStep * 1e3:F3} CPU ms/step; {allocation} in the timed steps), " +
            $"{examplesPerSecond:F0} examples/s, {epochSize / examplesPerSecond:F3} s per {epochSize}-example epoch{cores}"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kernel path {KernelIsa.Current}: FMA peak {Peak / 1e9:F1} GFLOP/s on {Threads} threads ({Before.OneThread / 1e9:F1} on one); " +
            $"the step's dense products, {flops / 1e9:F3} GFLOP, take {flops / Peak * 1e3:F3} ms at that peak: the step is {overFloor:F2}x that floor"));
        o["threads"] = Threads;
        o["secondsPerStep"] = SecondsPerStep;
        o["cpuSecondsPerStep"] = CpuSecondsPerStep;
        o["examplesPerSecond"] = Math.Round(examplesPerSecond, 1);
        o["secondsPerEpoch"] = Math.Round(epochSize / examplesPerSecond, 4);
        // the threads' FMA rate at once over one thread's, the lower of before and after
        o["fmaScaling"] = Math.Round(Math.Min(Before.Scaling, After.Scaling), 2);
        o["kernelPath"] = KernelIsa.Current.ToString();
        // the FMA-only loop on all threads at once, the better of before and after, in GFLOP/s
        o["fmaPeakGflops"] = Math.Round(Peak / 1e9, 1);
        o["denseGflopPerStep"] = Math.Round(flops / 1e9, 4);
        // the step's time over its dense products' time at that peak
        o["stepOverDenseFloor"] = Math.Round(overFloor, 3);
        // bytes the caller and the workers allocated in all the timed steps together: 0 in the steady state
        o["allocatedBytes"] = AllocatedBytes;
    }
}
