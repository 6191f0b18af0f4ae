using System.Diagnostics;
using SimdSfnn.Cli.Training;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// Runs stopped from outside: SIGINT finishes the step and checkpoints it (exit 130); kill -9
/// at any moment, even mid-write, leaves the previous checkpoint intact; either way `--resume`
/// ends on the bits of a run that was never stopped.
public sealed class InterruptTests
{
    [Fact]
    public void Sigint_checkpoints_the_current_step_and_resume_matches_the_uninterrupted_run()
    {
        string data = SyntheticIdx.Write(train: 1000, test: 40);
        // 100 steps an epoch, and enough epochs that the run is still going when the signal lands
        // however fast the step is (an epoch takes milliseconds)
        string[] options = ["--epochs", "40", "--batch", "10"];
        var whole = new TrainRun(data, options);
        var split = new TrainRun(data, options);
        Assert.Equal(0, whole.Run().ExitCode);

        var process = Sfnn.Start(split.Args());
        WaitFor(process, "epoch "); // epoch 1 is done; the signal lands within the next few of 40
        Thread.Sleep(20);
        Sfnn.Signal(process, "INT");
        var interrupted = Sfnn.Finish(process);

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        Assert.Contains("interrupted", interrupted.Stderr);
        Assert.Empty(interrupted.Stdout);
        var saved = Checkpoint.Load(split.CheckpointPath);
        Assert.True(saved.EpochsDone < 40, "the run should have been interrupted before its end");
        Assert.Equal(0, Sfnn.Run("eval", split.CheckpointPath, "--data", data, "--samples", "3", "--threads", "1").ExitCode);

        var resumed = split.Run("--resume");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(whole.Checkpoint(), split.Checkpoint());
    }

    [Fact]
    public void Kill_9_at_any_moment_leaves_a_loadable_checkpoint_and_resume_matches()
    {
        string data = SyntheticIdx.Write(train: 200, test: 20);
        // 10 steps and a checkpoint write every few milliseconds; enough epochs that no kill comes
        // after the run's end, however fast the step is
        string[] options = ["--epochs", "300"];
        var whole = new TrainRun(data, options);
        var killed = new TrainRun(data, options);
        Assert.Equal(0, whole.Run().ExitCode);

        // The first kill lands before any checkpoint exists; the others land 0-40 ms after an
        // epoch's line, when the next epoch computes or its checkpoint is being written.
        foreach (var (epochs, delay) in new[] { (0, 0), (1, 0), (1, 3), (2, 8), (1, 15), (3, 25), (2, 40) })
        {
            bool resume = File.Exists(killed.CheckpointPath);
            var process = Sfnn.Start(resume ? killed.Args("--resume") : killed.Args());
            WaitFor(process, "training ");
            for (int e = 0; e < epochs; e++) WaitFor(process, "epoch ");
            Thread.Sleep(delay);
            Sfnn.Signal(process, "KILL");
            Sfnn.Finish(process);
            if (File.Exists(killed.CheckpointPath)) Checkpoint.Load(killed.CheckpointPath); // throws if torn
        }
        var finished = killed.Run("--resume");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Equal(whole.Checkpoint(), killed.Checkpoint());
        Assert.Equal(300, File.ReadAllLines(killed.LogPath).Length);
        Assert.Empty(Directory.GetFiles(killed.Out, ".*tmp*"));
    }

    [Fact]
    public void A_partly_written_temporary_file_is_ignored_and_removed_on_resume()
    {
        string data = SyntheticIdx.Write();
        var run = new TrainRun(data, "--epochs", "3");
        Assert.Equal(0, run.Run("--stop-after", "1").ExitCode);
        string torn = Path.Combine(run.Out, ".checkpoint.safetensors.tmp-0123456789abcdef");
        File.WriteAllBytes(torn, run.Checkpoint()[..100]);

        var eval = Sfnn.Run("eval", run.CheckpointPath, "--data", data, "--samples", "2", "--threads", "1");
        var resumed = run.Run("--resume");

        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.False(File.Exists(torn));
        Assert.Equal(3, Checkpoint.Load(run.CheckpointPath).EpochsDone);
    }

    /// Blocks until the CLI prints a progress line starting with `prefix` ("training " once the
    /// data is read, the folder made and signals hooked; "epoch " after each checkpoint).
    static void WaitFor(Process process, string prefix)
    {
        var clock = Stopwatch.StartNew();
        while (process.StandardError.ReadLine() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"sfnn printed no '{prefix}' line");
        }
        throw new Xunit.Sdk.XunitException($"sfnn ended before it printed a '{prefix}' line");
    }
}
