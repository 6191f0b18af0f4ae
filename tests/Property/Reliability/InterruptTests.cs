using System.Diagnostics;
using System.Text.Json;
using SimdSfnn.Cli.Training;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// Runs stopped from outside: SIGINT finishes the step and checkpoints it (exit 130); kill -9
/// anywhere, even between a checkpoint's bytes and its rename, leaves the previous checkpoint
/// intact; either way `--resume` ends on the bits of a run that was never stopped. Every signal
/// lands at a point the test names (`SFNN_TEST_PAUSE`, where the run waits for it), never at a
/// moment, so the tests mean the same on a machine of any speed.
public sealed class InterruptTests
{
    static readonly string Data = SyntheticIdx.Write(train: 200, test: 40); // 10 steps an epoch
    static readonly string[] Options = ["--epochs", "4", "--batch", "20"];

    [Theory]
    [InlineData("step 3.4", 2, 4)]  // mid-epoch: the step is finished and saved
    [InlineData("step 2.10", 2, 0)] // the epoch's last step: the epoch ends as usual, then the run stops
    [InlineData("epoch 1", 1, 0)]
    public void Sigint_checkpoints_the_current_step_and_resume_matches_the_uninterrupted_run(string point, int epochsDone, int stepsDone)
    {
        var whole = new TrainRun(Data, Options);
        var split = new TrainRun(Data, Options);
        Assert.Equal(0, whole.Run().ExitCode);

        var interrupted = Sfnn.InterruptAt(split.Args(), point);

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        Assert.Contains("interrupted", interrupted.Stderr);
        Assert.Empty(interrupted.Stdout);
        var saved = Checkpoint.Load(split.CheckpointPath);
        Assert.Equal((epochsDone, stepsDone), (saved.EpochsDone, saved.StepsDone));
        Assert.Equal(0, Sfnn.Run("eval", split.CheckpointPath, "--data", Data, "--samples", "3", "--threads", "1").ExitCode);

        var resumed = split.Run("--resume");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(whole.Checkpoint(), split.Checkpoint());
        Assert.Equal(Criteria(whole.LogPath), Criteria(split.LogPath));
    }

    /// Each kill lands at the next of these points of the same run, each one resumed from what
    /// the kill before it left.
    [Fact]
    public void Kill_9_at_every_kind_of_point_leaves_a_loadable_checkpoint_and_resume_matches()
    {
        var whole = new TrainRun(Data, Options);
        var killed = new TrainRun(Data, Options);
        var wholeResult = whole.Run();
        Assert.Equal(0, wholeResult.ExitCode);

        var points = new (string Point, int? EpochsAfter)[]
        {
            ("step 1.3", null),   // before any checkpoint exists
            ("rename 1.0", null), // the first checkpoint complete in its temporary file, not yet renamed
            ("log 2", 1),         // epoch 2 logged, its checkpoint not yet written: the log holds a line too many
            ("epoch 2", 2),
            ("step 3.7", 2),      // mid-epoch, nothing of epoch 3 saved
            ("rename 4.0", 3),
            ("final", 4),         // every epoch saved, the summary not yet written
        };
        foreach (var (point, epochsAfter) in points)
        {
            bool resume = File.Exists(killed.CheckpointPath);
            var process = Sfnn.Start(resume ? killed.Args("--resume") : killed.Args(), pause: point);
            Sfnn.WaitFor(process, $"paused at {point}");
            Sfnn.Signal(process, "KILL");
            Sfnn.Finish(process);
            if (epochsAfter is null) Assert.False(File.Exists(killed.CheckpointPath), point);
            else Assert.Equal(epochsAfter, Checkpoint.Load(killed.CheckpointPath).EpochsDone); // throws if torn
        }
        var finished = killed.Run("--resume");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Equal(whole.Checkpoint(), killed.Checkpoint());
        Assert.Equal(Criteria(whole.LogPath), Criteria(killed.LogPath));
        Assert.Empty(Directory.GetFiles(killed.Out, ".*tmp*"));
        // The summary of a run whose epochs an earlier process did is the same line, but for timings.
        Assert.Equal(Untimed(wholeResult.Stdout), Untimed(finished.Stdout));
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

    /// The per-epoch `C_M` column of a log (timings differ between runs; the criterion must not).
    static string[] Criteria(string log) =>
        File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("criterion").GetRawText()).ToArray();

    /// A summary line without its timing and its checkpoint's folder.
    static string Untimed(string summary)
    {
        var o = System.Text.Json.Nodes.JsonNode.Parse(summary)!.AsObject();
        Assert.True(o["secondsPerEpoch"]!.GetValue<double>() > 0, summary);
        o.Remove("secondsPerEpoch");
        o.Remove("checkpoint");
        return o.ToJsonString();
    }
}
