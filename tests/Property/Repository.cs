namespace SimdSfnn.Property;

/// The checkout the tests were built from: the first folder above the test assembly that holds
/// `SimdSfnn.sln`.
public static class Repository
{
    public static string Root { get; } = Find(AppContext.BaseDirectory);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SimdSfnn.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no SimdSfnn.sln above {start}");
    }
}
