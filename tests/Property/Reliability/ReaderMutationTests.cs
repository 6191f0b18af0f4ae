using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// Deterministic mutation fuzzing beside the AFL corpus: thousands of bit flips, byte
/// overwrites, truncations, extensions and spliced length fields of valid IDX, gzip-IDX and
/// checkpoint files (fixed seed, so a failure replays), each accepted or refused cleanly.
public sealed class ReaderMutationTests
{
    const int CasesPerSeed = 1500;

    public static TheoryData<string> Seeds => ["idx-images", "idx-labels", "idx-gzip", "idx-floats", "checkpoint"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_files_are_accepted_or_refused(string seed)
    {
        byte[] valid = seed switch
        {
            "idx-images" => SyntheticIdx.Images(3, 2, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            "idx-labels" => SyntheticIdx.Labels([0, 1, 2, 1]),
            "idx-gzip" => Gzip(SyntheticIdx.Images(2, 3, 1, [9, 8, 7, 6, 5, 4])),
            "idx-floats" => FloatIdx([0.5f, -1, 2, 0.25f, 3, 1e-3f], 3, 2),
            _ => TinyCheckpoint.Bytes(),
        };
        var random = new Random(seed.Length * 7919 + valid.Length);
        string path = Path.Combine(TempDir.Create("mutations"), seed);
        for (int i = 0; i < CasesPerSeed; i++)
        {
            File.WriteAllBytes(path, Mutate(valid, random));
            ReaderOutcome.AcceptOrRefuse(path);
        }
    }

    static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Length > 0; e++)
        {
            int at = random.Next(bytes.Length);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes = bytes[..at]; break;
                case 3: bytes = [.. bytes, .. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))]; break;
                // Length and count fields: the places where a plausible-looking lie does damage.
                case 4: if (bytes.Length >= at + 4) BitConverter.GetBytes(random.Next() >> random.Next(31)).CopyTo(bytes, at); break;
                default: if (bytes.Length >= 8) BitConverter.GetBytes((long)random.Next() << random.Next(33)).CopyTo(bytes, 0); break;
            }
        }
        return bytes;
    }

    static byte[] FloatIdx(float[] values, params int[] dimensions)
    {
        string path = Path.Combine(TempDir.Create("mutations"), "floats");
        SimdSfnn.IO.Data.IdxFloats.Write(path, values, dimensions);
        return File.ReadAllBytes(path);
    }

    static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest)) gzip.Write(bytes);
        return buffer.ToArray();
    }
}
