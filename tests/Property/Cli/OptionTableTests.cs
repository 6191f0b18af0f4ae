using System.CommandLine;
using System.CommandLine.Help;
using SimdSfnn.Cli.Options;

namespace SimdSfnn.Property.Cli;

/// The command line's documentation is held to the parser's own definitions (`CommandTree`,
/// `SfnnOptions`): docs/options.md's option table is exactly the rows those definitions give, in
/// their order, README's shorter one is made of such rows, and README's command table names every
/// command. `--help` is generated from the same definitions;
/// these tests check that it shows every option's meaning and default. Rewrite both tables'
/// rows with SFNN_UPDATE_README=1 when a change to the options is meant.
public sealed class OptionTableTests
{
    static readonly string Readme = Repository.Path("README.md");
    static readonly string Everything = Repository.Path("docs", "options.md");

    static IEnumerable<Command> Commands => CommandTree.Root.Subcommands;

    static IEnumerable<Option> Defined(Command command) => command.Options.Where(o => o is not HelpOption);

    /// Every option of every command, once, in the order of the commands and their forms.
    static List<Option> AllOptions() => Commands.SelectMany(Defined).Distinct().ToList();

    /// The README row of an option: `--name VALUE` (prefixed with the commands that take it,
    /// unless `train` does), its meaning and its default.
    static string Row(Option option)
    {
        var takers = Commands.Where(c => c.Options.Contains(option)).Select(c => c.Name).ToList();
        string prefix = takers.Contains("train") ? "" : string.Join('|', takers) + " ";
        string value = option.Arity.MaximumNumberOfValues == 0 ? "" : " " + option.HelpName;
        var help = OptionKinds.HelpOf(option);
        return $"| `{Cell(prefix + option.Name + value)}` | {Cell(help.Meaning)} | {Cell(help.Default)} |";
    }

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// The rows of a file's option table (the one whose header is `| option |`), without header and rule.
    static (string[] Lines, int Start, int Count) OptionRows(string path)
    {
        var lines = File.ReadAllLines(path);
        int start = Array.FindIndex(lines, l => l.StartsWith("| option |", StringComparison.Ordinal));
        Assert.True(start >= 0, $"{path} has no option table");
        int end = start + 2;
        while (end < lines.Length && lines[end].StartsWith('|')) end++;
        return (lines, start + 2, end - start - 2);
    }

    static void Rewrite(string path, Func<List<string>, List<string>> rows)
    {
        var (lines, start, count) = OptionRows(path);
        File.WriteAllLines(path, [.. lines[..start], .. rows(lines.Skip(start).Take(count).ToList()), .. lines[(start + count)..]]);
    }

    static string OptionName(string row) => row.Split('`')[1].Split(' ').First(w => w.StartsWith("--", StringComparison.Ordinal));

    /// docs/options.md lists every option of every command: exactly the rows the definitions give.
    [Fact]
    public void The_options_page_is_the_parser_definitions()
    {
        var expected = AllOptions().Select(Row).ToList();
        if (Environment.GetEnvironmentVariable("SFNN_UPDATE_README") == "1") Rewrite(Everything, _ => expected);
        var (lines, start, count) = OptionRows(Everything);
        var listed = lines.Skip(start).Take(count).ToList();
        var missing = expected.Except(listed).ToList();
        var stale = listed.Except(expected).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            "docs/options.md differs from the parser's definitions (SFNN_UPDATE_README=1 rewrites it if the change is meant)\n" +
            string.Join('\n', missing.Select(l => "+ " + l).Concat(stale.Select(l => "- " + l))));
        Assert.Equal(expected, listed); // the same rows in the same order
    }

    /// README shows the options most runs use: each row exactly the row the definitions give
    /// (so none drifts), in the parser's order.
    [Fact]
    public void README_option_rows_are_the_parser_definitions()
    {
        var expected = AllOptions().Select(Row).ToList();
        if (Environment.GetEnvironmentVariable("SFNN_UPDATE_README") == "1")
            Rewrite(Readme, shown => [.. expected.Where(row => shown.Any(s => OptionName(s) == OptionName(row)))]);
        var (lines, start, count) = OptionRows(Readme);
        var listed = lines.Skip(start).Take(count).ToList();
        Assert.True(listed.Count >= 10, $"README's option table has {listed.Count} rows");
        var stale = listed.Except(expected).ToList();
        Assert.True(stale.Count == 0, "README's option rows differ from the parser's definitions (SFNN_UPDATE_README=1 rewrites them if the change is meant)\n" +
                                      string.Join('\n', stale.Select(l => "- " + l)));
        Assert.Equal(expected.Where(listed.Contains), listed);
    }

    [Fact]
    public void README_command_table_names_every_command()
    {
        var lines = File.ReadAllLines(Readme);
        int start = Array.FindIndex(lines, l => l.StartsWith("| command |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no command table");
        var named = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            named.Add(lines[i].Split('`')[1].Split(' ')[1]); // `sfnn train --task gsn` -> train
        Assert.Equal(Commands.Select(c => c.Name).Order(StringComparer.Ordinal), named);
    }

    [Fact]
    public void Every_option_has_a_value_name_meaning_and_default()
    {
        var options = AllOptions();
        Assert.True(options.Count > 50, $"only {options.Count} options are defined");
        foreach (var option in options)
        {
            var help = OptionKinds.HelpOf(option);
            Assert.False(string.IsNullOrWhiteSpace(help.Meaning), option.Name);
            Assert.False(string.IsNullOrWhiteSpace(help.Default), option.Name);
            Assert.True(option.Arity.MaximumNumberOfValues == 0 || !string.IsNullOrEmpty(option.HelpName), $"{option.Name} names no value");
        }
    }

    /// The commands read an option's default as `GetValue(option) ?? fallback`, so an option
    /// not given must read as null (a flag as false); a list of widths reads through `WidthsOr`.
    [Fact]
    public void An_option_not_given_reads_as_absent()
    {
        foreach (var command in Commands)
        {
            var result = CommandTree.Parse([command.Name]);
            foreach (var option in Defined(command))
            {
                Assert.True(result.GetResult(option) is null or { Implicit: true }, option.Name);
                switch (option)
                {
                    case Option<bool> flag: Assert.False(result.GetValue(flag)); break;
                    case Option<int[]?> widths: Assert.Equal([7], OptionKinds.WidthsOr(result, widths, [7])); break;
                    case Option<int?> count: Assert.Null(result.GetValue(count)); break;
                    case Option<double?> number: Assert.Null(result.GetValue(number)); break;
                    case Option<ulong?> seed: Assert.Null(result.GetValue(seed)); break;
                    case Option<string?> text: Assert.Null(result.GetValue(text)); break;
                    default: Assert.Fail($"{option.Name} is of a kind this test does not know: {option.ValueType}"); break;
                }
            }
        }
    }

    [Fact]
    public void Each_command_help_shows_every_option_its_forms_and_arguments()
    {
        foreach (var command in Commands)
        {
            string help = Squeeze(Help(command.Name));
            Assert.Contains($"{CommandTree.Root.Name} {command.Name}", help, StringComparison.Ordinal);
            foreach (var argument in command.Arguments) Assert.Contains($"<{argument.Name}>", help, StringComparison.Ordinal);
            foreach (var option in Defined(command))
            {
                var shown = OptionKinds.HelpOf(option);
                Assert.Contains(Squeeze($"{shown.Meaning} [default: {shown.Default}]"), help, StringComparison.Ordinal);
                Assert.Contains(option.Name, help, StringComparison.Ordinal);
            }
        }
        string train = Squeeze(Help("train"));
        Assert.Contains("train --task gsn: --layers --walkback", train, StringComparison.Ordinal);
    }

    [Fact]
    public void The_overview_lists_every_command()
    {
        string overview = Help();
        foreach (var command in Commands) Assert.Contains(command.Name, overview, StringComparison.Ordinal);
    }

    /// What `sfnn ARGS --help` prints, asked of the parser in this process.
    static string Help(params string[] args)
    {
        var output = new StringWriter();
        int code = CommandTree.Parse([.. args, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        Assert.Equal(0, code);
        return output.ToString();
    }

    /// The text with every run of white space one blank, so that wrapping does not matter.
    static string Squeeze(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
