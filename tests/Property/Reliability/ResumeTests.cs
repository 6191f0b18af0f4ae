using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// `--resume` continues a run to the same bits as a run that was never stopped (same seed and
/// thread count): the checkpoint holds parameters, momentum and the moving averages of G1 and
/// of the learned correction, and the
/// data order and every random draw are derived from (seed, epoch, example).
public sealed class ResumeTests
{
    static readonly string Data = SyntheticIdx.Write(train: 210, test: 40); // 210 / 20: the last minibatch is short

    [Theory]
    [InlineData("G3")]
    [InlineData("G1")] // carries moving averages from step to step
    [InlineData("G5")]
    [InlineData("learned")] // carries G1's averages and its normal equations' from step to step
    [InlineData("deterministic")]
    public void Stop_after_two_epochs_then_resume_gives_the_uninterrupted_bits(string estimator)
    {
        string[] options = ["--epochs", "4", "--estimator", estimator, .. estimator == "deterministic" ? new[] { "--samples", "1" } : []];
        var whole = new TrainRun(Data, options);
        var split = new TrainRun(Data, options);

        var wholeResult = whole.Run();
        var first = split.Run("--stop-after", "2");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Empty(first.Stdout);
        Assert.Equal(2, File.ReadAllLines(split.LogPath).Length);
        Assert.NotEqual(whole.Checkpoint(), split.Checkpoint());
        var second = split.Run("--resume");

        Assert.True(wholeResult.ExitCode == 0 && second.ExitCode == 0, second.ToString());
        Assert.Equal(whole.Checkpoint(), split.Checkpoint());
        Assert.Equal(Criteria(whole.LogPath), Criteria(split.LogPath));
    }

    /// Killed after its last epoch's checkpoint but before its summary, a run's `--resume` has
    /// nothing left to train: it evaluates, prints the summary (secondsPerEpoch from the log) and exits 0.
    [Fact]
    public void Resume_of_a_run_whose_checkpoint_holds_every_epoch_finishes_it()
    {
        var whole = new TrainRun(Data, "--epochs", "2");
        var killed = new TrainRun(Data, "--epochs", "2");
        var wholeResult = whole.Run();
        var process = Sfnn.Start(killed.Args(), pause: "final");
        while (process.StandardError.ReadLine() is { } line && line != "paused at final") { }
        Sfnn.Signal(process, "KILL");
        Sfnn.Finish(process);
        Assert.Equal(2, SimdSfnn.Cli.Training.Checkpoint.Load(killed.CheckpointPath).EpochsDone);

        var finished = killed.Run("--resume");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        var summary = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(finished.StdoutLines))!.AsObject();
        var expected = System.Text.Json.Nodes.JsonNode.Parse(wholeResult.Stdout)!.AsObject();
        Assert.Equal(expected["testError"]!.GetValue<double>(), summary["testError"]!.GetValue<double>());
        Assert.Equal(expected["testLogLikelihood"]!.GetValue<double>(), summary["testLogLikelihood"]!.GetValue<double>());
        Assert.True(summary["secondsPerEpoch"]!.GetValue<double>() > 0, finished.Stdout);
        Assert.Equal(whole.Checkpoint(), killed.Checkpoint());
        Assert.Equal(2, File.ReadAllLines(killed.LogPath).Length);
    }

    [Fact]
    public void Resume_refuses_other_options_and_a_missing_run()
    {
        var run = new TrainRun(Data, "--epochs", "3");
        Assert.Equal(0, run.Run("--stop-after", "1").ExitCode);
        byte[] before = run.Checkpoint();

        var changed = run.Run("--resume", "--lr", "0.05");
        var missing = new TrainRun(Data, "--epochs", "3").Run("--resume");

        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("options differ", Assert.Single(changed.StderrLines));
        Assert.Equal(before, run.Checkpoint());
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such checkpoint", Assert.Single(missing.StderrLines));
    }

    [Fact]
    public void Resume_refuses_other_data_in_one_line()
    {
        var run = new TrainRun(Data, "--epochs", "3");
        Assert.Equal(0, run.Run("--stop-after", "1").ExitCode);
        byte[] before = run.Checkpoint();
        string other = SyntheticIdx.Write(train: 210, test: 40, seed: 9);

        var resumed = Sfnn.Run([.. run.Args("--resume").Select(a => a == Data ? other : a)]);

        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("trained on other data", Assert.Single(resumed.StderrLines));
        Assert.Equal(before, run.Checkpoint());
    }

    [Fact]
    public void A_new_run_refuses_to_overwrite_an_existing_checkpoint()
    {
        var run = new TrainRun(Data, "--epochs", "2");
        Assert.Equal(0, run.Run().ExitCode);
        byte[] before = run.Checkpoint();

        var again = run.Run();

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", Assert.Single(again.StderrLines));
        Assert.Equal(before, run.Checkpoint());
    }

    /// The per-epoch `C_M` column of a log (timings differ between runs; the criterion must not).
    static string[] Criteria(string log) =>
        File.ReadAllLines(log).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("criterion").GetRawText()).ToArray();
}
