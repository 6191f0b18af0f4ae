using SimdSfnn.Cli.Training;
using SimdSfnn.Nn;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// A NaN or infinity in the criterion, the gradient or the weights stops the run with exit
/// code 3 and a message naming the epoch and step, and never overwrites the last good checkpoint.
public sealed class DivergenceTests
{
    [Fact]
    public void Overflowing_weights_stop_the_run_with_exit_3_and_keep_the_checkpoint()
    {
        string data = SyntheticIdx.Write();
        var run = new TrainRun(data, "--epochs", "3");
        Assert.Equal(0, run.Run("--stop-after", "1").ExitCode);
        // Finite but enormous weights and momentum, as a run with a huge rate reaches: the
        // next step overflows.
        var bytes = run.Checkpoint();
        var weights = SafetensorsBytes.Tensor(bytes, "layers.0.weight");
        for (int i = 0; i < weights.Length; i++) weights[i] = i % 2 == 0 ? 3e38f : -3e38f;
        SafetensorsBytes.Tensor(bytes, "optimizer.velocity").Fill(3e38f);
        File.WriteAllBytes(run.CheckpointPath, bytes);

        var result = run.Run("--resume");

        Assert.True(result.ExitCode == 3, result.ToString());
        string line = result.StderrLines[^1];
        Assert.StartsWith("sfnn: ", line);
        Assert.Contains("diverged at epoch 2, step 1", line);
        Assert.Contains("checkpoint", line);
        Assert.Equal(bytes, run.Checkpoint());
        Assert.Single(File.ReadAllLines(run.LogPath));
    }

    [Fact]
    public void Nan_in_the_data_diverges_before_any_checkpoint_is_written()
    {
        var x = new float[40 * 4];
        x[17] = float.NaN;
        var train = new ExampleSet(x, 40, 4, new int[40], null, 2);
        var data = new TaskData(train, train, OutputHead.Softmax, new double[4], ["", "", "", ""]);
        string outDir = TempDir.Create("run");
        var settings = new RunSettings { Layers = [3], Epochs = 2, Batch = 10, Samples = 2, Threads = 1, InputNoise = 0 };
        var trainer = new Trainer(settings, data, outDir, new Progress(TextWriter.Null, false)) { EvalSamples = 2, MonitorSamples = 2 };

        var e = Assert.Throws<DivergedException>(() => trainer.Run());

        Assert.Contains("epoch 1, step", e.Message);
        Assert.Contains("no checkpoint had been written yet", e.Message);
        Assert.False(File.Exists(trainer.CheckpointPath));
    }
}
