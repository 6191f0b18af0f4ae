using SimdSfnn.Cli.Reproduce;
using Xunit;

namespace SimdSfnn.Property.Cli;

/// README's results tables for Raiko et al.'s Tables 1 and 2 are generated from the committed run
/// lines (docs/reproduce/runs.jsonl, what `sfnn reproduce` wrote), never typed: each sits between
/// two markers and must equal what `ResultTable.Summary` makes of those lines, and
/// docs/reproduce/tableN.md what `ResultTable.Markdown` makes. SFNN_UPDATE_RESULTS=1 rewrites
/// both from the lines, after `sfnn reproduce --merge` has put new lines there.
public sealed class ReadmeResultsTests
{
    static readonly string Runs = Repository.Path("docs", "reproduce", RunsFile.FileName);

    static string Begin(PaperTable table) =>
        $"<!-- generated: Table {table.Number} from docs/reproduce/runs.jsonl (SFNN_UPDATE_RESULTS=1 ./test rewrites it) -->\n";

    static string End(PaperTable table) => $"<!-- end of Table {table.Number} -->";

    [Fact]
    public void README_and_the_table_files_are_what_the_committed_run_lines_give()
    {
        var records = RunsFile.Read(Runs);
        Assert.True(records.Count > 0, $"no run lines in {Runs}");
        bool update = Environment.GetEnvironmentVariable("SFNN_UPDATE_RESULTS") == "1";
        string readmePath = Repository.Path("README.md");
        string readme = File.ReadAllText(readmePath).ReplaceLineEndings("\n");
        foreach (var table in PaperTable.All)
        {
            Assert.True(records.Any(r => r.Spec.Cell.Task == table.Task), $"{Runs} holds no run of Table {table.Number}");
            string generated = ResultTable.Summary(table, records);
            int begin = readme.IndexOf(Begin(table), StringComparison.Ordinal);
            int end = readme.IndexOf(End(table), StringComparison.Ordinal);
            Assert.True(begin >= 0 && end > begin, $"README has no generated block for Table {table.Number} (markers '{Begin(table).Trim()}' ... '{End(table)}')");
            int from = begin + Begin(table).Length;
            if (update) readme = readme[..from] + generated + readme[end..];
            else Assert.Equal(generated, readme[from..end]);

            string file = Repository.Path("docs", "reproduce", table.FileName + ".md");
            string markdown = ResultTable.Markdown(table, records);
            if (update) File.WriteAllText(file, markdown);
            else Assert.Equal(markdown, File.ReadAllText(file).ReplaceLineEndings("\n"));
        }
        if (update) File.WriteAllText(readmePath, readme);
    }
}
