namespace SimdSfnn.Property.Cli;

/// Fresh directories under the system temp folder, one per test use; the OS cleans them.
public static class TempDir
{
    public static string Create(string what)
    {
        string dir = Path.Combine(Path.GetTempPath(), "sfnn-tests", $"{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// A path under the temp folder that does not exist yet (for `--out`, which the CLI creates).
    public static string Fresh(string what) => Path.Combine(Path.GetTempPath(), "sfnn-tests", $"{what}-{Guid.NewGuid():N}");
}
