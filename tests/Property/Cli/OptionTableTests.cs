using System.Reflection;
using System.Text.RegularExpressions;
using SimdSfnn.Cli.Options;
using Xunit;

namespace SimdSfnn.Property.Cli;

/// The three places an option is named must agree: the code that reads it (`args.Text("out")`,
/// `Has("resume")`, ...), each command's `--help`, and README's option table. A new option that
/// misses one of them fails here instead of drifting (as `bench --phases` once did).
public sealed partial class OptionTableTests
{
    [GeneratedRegex("""\b(?:args|reader)\.(?:Text|Count|Seed|Number|Flag|Has|IntList)\("([a-z][a-z-]*)"\s*[,)]""")]
    private static partial Regex OptionRead();

    [GeneratedRegex("--([a-z][a-z-]*)")]
    private static partial Regex OptionName();

    static SortedSet<string> ReadByTheCode() =>
        new(Directory.EnumerateFiles(Repository.Path("src", "Cli"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => OptionRead().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)));

    static Dictionary<string, string> UsageByCommand() =>
        (Dictionary<string, string>)typeof(CommandHelp).GetField("Commands", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

    static SortedSet<string> InHelp() =>
        new(UsageByCommand().Values.SelectMany(u => OptionName().Matches(u).Select(m => m.Groups[1].Value)).Where(o => o != "help"));

    /// The first column of README's option table (the one whose header is `| option |`).
    static SortedSet<string> InReadme()
    {
        var lines = File.ReadAllLines(Repository.Path("README.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("| option |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no option table");
        var names = new SortedSet<string>();
        for (int i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            foreach (Match m in OptionName().Matches(lines[i].Split('|')[1])) names.Add(m.Groups[1].Value);
        return names;
    }

    [Fact]
    public void Every_option_the_code_reads_is_in_the_help_and_in_README()
    {
        var read = ReadByTheCode();
        Assert.True(read.Count > 20, $"the scan found only {read.Count} options: has ArgumentReader's API changed?");
        AssertSame(read, InHelp(), "CommandHelp's usages");
        AssertSame(read, InReadme(), "README's option table");
    }

    static void AssertSame(SortedSet<string> read, SortedSet<string> listed, string where)
    {
        var missing = read.Except(listed).ToList();
        var stale = listed.Except(read).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"{where}: missing [{string.Join(", ", missing)}], listed but never read [{string.Join(", ", stale)}]");
    }

    [Fact]
    public void Every_command_has_help()
    {
        Assert.Equal(["bench", "eval", "lab", "parzen", "reproduce", "sample", "train"], UsageByCommand().Keys.Order());
    }
}
