using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SimdSfnn.IO.Data;

/// The four IDX files of an MNIST-shaped data set.
public sealed record Dataset(IdxImages TrainImages, byte[] TrainLabels, IdxImages TestImages, byte[] TestLabels)
{
    /// One more than the largest label in either split.
    public int ClassCount => Math.Max(Max(TrainLabels), Max(TestLabels)) + 1;

    /// The SHA-256 of each of the four files as IDX bytes (inflated, if they were gzipped), in
    /// the order of `MnistFiles.Names`: the data set's identity, which a checkpoint records.
    /// The headers are rebuilt from the dimensions, which the reader checked against the file.
    public string[] Sha256() => [Hash(TrainImages), Hash(TrainLabels), Hash(TestImages), Hash(TestLabels)];

    /// Whether this is the MNIST of `MnistFiles.Package`.
    public bool IsMnist() => Sha256().SequenceEqual(MnistFiles.Sha256);

    static string Hash(IdxImages images)
    {
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], images.Count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], images.Rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], images.Columns);
        return Hash(header, images.Pixels.Span);
    }

    static string Hash(byte[] labels)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        return Hash(header, labels);
    }

    static string Hash(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static int Max(byte[] labels) => labels.Length == 0 ? 0 : labels.Max();
}
