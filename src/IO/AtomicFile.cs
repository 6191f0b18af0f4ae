namespace SimdSfnn.IO;

/// Whole-file writes that never leave a half-written file under the final name: the bytes go
/// to a temporary file in the same folder (so the rename cannot cross file systems), flushed to
/// disk, then a rename replaces the target in one step. A reader, or a run killed mid-write,
/// only ever sees the old file or the complete new one.
internal static class AtomicFile
{
    /// `beforeRename` runs once the new bytes are on disk under the temporary name (a test
    /// stops the writer there).
    public static void Write(string path, Action<Stream> write, Action? beforeRename = null)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $"{TemporaryPrefix(full)}{Guid.NewGuid():N}");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            beforeRename?.Invoke();
            File.Move(temporary, full, overwrite: true);
        }
        finally { File.Delete(temporary); }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, file => file.Write(bytes));

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAllLines(string path, IEnumerable<string> lines) => Write(path, file =>
    {
        using var writer = new StreamWriter(file, leaveOpen: true);
        foreach (var line in lines) writer.WriteLine(line);
    });

    /// Deletes the temporary files that a writer of `path` killed mid-write (kill -9, power
    /// loss) left behind; readers never look at them, so this only tidies up.
    public static void RemoveTemporaries(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) return;
        foreach (var file in Directory.EnumerateFiles(directory, TemporaryPrefix(path) + "*")) File.Delete(file);
    }

    static string TemporaryPrefix(string path) => $".{Path.GetFileName(path)}.tmp-";
}
