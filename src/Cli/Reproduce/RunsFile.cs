using SimdSfnn.IO;

namespace SimdSfnn.Cli.Reproduce;

/// `runs.jsonl`, the record of every finished run: appended to one line at a time (one write, so
/// that processes started in parallel on one folder do not interleave their lines), read back
/// skipping torn lines, the first line of a run winning over any later one.
internal static class RunsFile
{
    public const string FileName = "runs.jsonl";

    public static List<RunRecord> Read(string path)
    {
        var records = new List<RunRecord>();
        if (!File.Exists(path)) return records;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in File.ReadLines(path))
            if (RunRecord.Parse(text) is { } record && seen.Add(record.Id)) records.Add(record);
        return records;
    }

    /// Every record of the first file, then those of the others that name runs not yet seen.
    public static List<RunRecord> Merge(IEnumerable<string> paths)
    {
        var merged = new List<RunRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
            foreach (var record in Read(path))
                if (seen.Add(record.Id)) merged.Add(record);
        return merged;
    }

    public static void Append(string path, RunRecord record)
    {
        // After a torn line (a process killed mid-write) the new line starts on a line of its own.
        string separator = EndsInsideALine(path) ? "\n" : "";
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        file.Write(System.Text.Encoding.UTF8.GetBytes(separator + record.Text + "\n"));
        file.Flush(flushToDisk: true);
    }

    static bool EndsInsideALine(string path)
    {
        if (!File.Exists(path)) return false;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length == 0) return false;
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() != '\n';
    }

    public static void Write(string path, IEnumerable<RunRecord> records) => AtomicFile.WriteAllLines(path, records.Select(r => r.Text));
}
