using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Gsn;

/// Ctrl-C in GSN training: the current step is finished and checkpointed (exit 130), mid-epoch
/// as at an epoch's end, and `--resume` ends on the bits of the run that was never stopped. The
/// signal lands where the run waits for it (`SFNN_TEST_PAUSE`), so the test means the same on a
/// machine of any speed.
public sealed class GsnInterruptTests
{
    static readonly string Data = SyntheticIdx.Write(train: 240); // five sixths trained: 200 examples, 10 steps an epoch
    static readonly string[] Options = ["--task", "gsn", "--layers", "16,12", "--batch", "20", "--threads", "1", "--held-out-limit", "20", "--epochs", "3"];

    static string[] Args(string outDir, params string[] extra) => ["train", "--data", Data, "--out", outDir, .. Options, .. extra];

    [Theory]
    [InlineData("step 2.4")]
    [InlineData("epoch 1")]
    public void Sigint_checkpoints_the_step_and_resume_matches_the_uninterrupted_run(string point)
    {
        string whole = TempDir.Fresh("gsn"), split = TempDir.Fresh("gsn");
        var straight = Sfnn.Run(Args(whole));
        Assert.True(straight.ExitCode == 0, straight.ToString());

        var interrupted = Sfnn.InterruptAt(Args(split), point);

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        Assert.Contains("interrupted", interrupted.Stderr);
        Assert.Empty(interrupted.Stdout);
        var resumed = Sfnn.Run(Args(split, "--resume"));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "checkpoint.safetensors")), File.ReadAllBytes(Path.Combine(split, "checkpoint.safetensors")));
        // the summaries agree but for the timings
        Assert.Equal(straight.StdoutLines[^1].Split("\"secondsPerEpoch\"")[0], resumed.StdoutLines[^1].Split("\"secondsPerEpoch\"")[0]);
    }
}
