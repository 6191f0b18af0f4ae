using SimdSfnn.Cli.Training;
using SimdSfnn.Nn;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// The bytes of a small valid checkpoint (6-4-3 softmax net, with momentum, input mean and the
/// data set's identity), for damaging.
public static class TinyCheckpoint
{
    public static byte[] Bytes()
    {
        var shape = new NetworkShape([6, 4, 3], OutputHead.Softmax);
        var theta = new Parameters(shape);
        theta.InitializeGlorot(5);
        var settings = new RunSettings { Layers = [4], Epochs = 3, Samples = 2, Batch = 10, Threads = 1 };
        string path = Path.Combine(TempDir.Create("ckpt"), Checkpoint.FileName);
        new Checkpoint(settings, theta, new float[theta.Data.Length], 1)
        {
            InputMean = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            DataSha256 = [new string('a', 64), new string('b', 64), new string('c', 64), new string('d', 64)],
        }.Save(path);
        return File.ReadAllBytes(path);
    }
}
