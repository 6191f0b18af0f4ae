using System.Buffers.Binary;
using System.IO.Compression;

namespace SimdSfnn.Property.Cli;

/// MNIST-shaped IDX files made on the spot (MNIST itself is not available to tests): each of
/// `classes` classes has a random block prototype, and an image is its prototype plus noise,
/// so a tiny network learns it in a couple of epochs.
public static class SyntheticIdx
{
    public const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    /// Writes the four files into a new temporary directory and returns it.
    public static string Write(int train = 200, int test = 50, int rows = 8, int columns = 8, int classes = 4,
                               bool gzip = false, int seed = 3)
    {
        string dir = TempDir.Create("data");
        var random = new Random(seed);
        var prototypes = new byte[classes][];
        for (int c = 0; c < classes; c++)
        {
            prototypes[c] = new byte[rows * columns];
            for (int j = 0; j < prototypes[c].Length; j++) prototypes[c][j] = (byte)(random.Next(2) * 200);
        }
        foreach (var (images, labels, count) in new[] { (TrainImages, TrainLabels, train), (TestImages, TestLabels, test) })
        {
            var labelBytes = new byte[count];
            var pixels = new byte[count * rows * columns];
            for (int n = 0; n < count; n++)
            {
                labelBytes[n] = (byte)random.Next(classes);
                for (int j = 0; j < rows * columns; j++)
                    pixels[n * rows * columns + j] = (byte)Math.Clamp(prototypes[labelBytes[n]][j] + random.Next(-40, 41), 0, 255);
            }
            Save(Path.Combine(dir, images), Images(count, rows, columns, pixels), gzip);
            Save(Path.Combine(dir, labels), Labels(labelBytes), gzip);
        }
        return dir;
    }

    /// An IDX3 file of unsigned bytes: magic 0x00000803, count, rows, columns (big-endian), pixels.
    public static byte[] Images(int count, int rows, int columns, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    /// An IDX1 file of unsigned bytes: magic 0x00000801, count, labels.
    public static byte[] Labels(byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    static void Save(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path + ".gz");
        using var compressed = new GZipStream(file, CompressionLevel.Fastest);
        compressed.Write(bytes);
    }
}
