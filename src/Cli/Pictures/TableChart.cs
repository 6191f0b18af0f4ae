using System.Globalization;
using SimdSfnn.Cli.Reproduce;
using SimdSfnn.IO.Imaging;

namespace SimdSfnn.Cli.Pictures;

/// `table1.png` / `table2.png`: per row of a paper table, the paper's number and ours (mean
/// with a bar of +- sd over seeds), so that how far each cell is from the paper shows at a glance.
internal static class TableChart
{
    public static void Save(PaperTable table, IReadOnlyList<RowResult> rows, string path)
    {
        var chart = new ComparisonChart($"Table {table.Number.ToString(CultureInfo.InvariantCulture)}: ours against Raiko et al. 2014",
                                        table.ScoresError ? "test error (%)" : "test C_100 (nats)", "paper", "ours, +- sd over seeds");
        foreach (var row in rows)
            chart.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Row.Method} M={row.Row.Cell.Samples}"), row.Row.Paper, row.Mean, row.Sd);
        chart.Save(path);
    }
}
