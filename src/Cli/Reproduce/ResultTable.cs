using System.Globalization;
using System.Text;

namespace SimdSfnn.Cli.Reproduce;

/// A paper table as markdown, made from run lines alone (so that a merge of lines from many
/// machines gives the same table as one machine): per row the paper's number, ours as mean +-
/// sd over the seeds of the final runs, the learning rate picked on the held-out examples and
/// the one a pick on the test set would give; below it, the sweep behind every pick.
internal static class ResultTable
{
    public static string Markdown(PaperTable table, IReadOnlyList<RunRecord> records)
    {
        var mine = records.Where(r => r.Spec.Cell.Task == table.Task).ToArray();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Table {table.Number}: {table.Title}\n\n");
        text.Append("Ours: mean +- sd over the seeds of the final runs (trained on the whole training set and tested), " +
                    "at the learning rate picked on the held-out sixth of the training set by the sweep runs (trained on the rest). " +
                    "Raiko et al. picked on the test set; the last columns are what that pick would be from the same sweep, " +
                    "and the sweep run's test score there where it differs.\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Runs: {Distinct(mine, r => r.Epochs?.ToString(CultureInfo.InvariantCulture))} epochs, " +
                    $"hidden layers {Distinct(mine, r => r.Layers)}.\n\n");
        text.Append(Summary(table, records));
        AppendSweep(text, table, mine);
        return text.ToString();
    }

    /// The table itself, one row per paper row: what README shows (generated, never typed; a test
    /// holds README to the committed run lines). Where the test-set pick differs from the held-out
    /// one, the last column is the test score of the sweep run at the test-set pick (seed 1,
    /// trained on the first five sixths): the paper's selection, from the same sweep.
    public static string Summary(PaperTable table, IReadOnlyList<RunRecord> records)
    {
        var sweep = records.Where(r => r.Spec.Cell.Task == table.Task && r.Spec.Phase == RunPhase.Sweep).ToArray();
        var text = new StringBuilder();
        text.Append("| method | M | paper | ours | seeds | lr (held-out pick) | lr (test pick) | ours at the test pick |\n")
            .Append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var result in Rows(table, records))
        {
            var (row, pick, scores) = result;
            string ours = scores.Length == 0 ? "-" : scores.Length == 1 ? Number(result.Mean) : $"{Number(result.Mean)} +- {Number(result.Sd)}";
            string atTestPick = pick.OnTest is not { } onTest ? "-"
                : onTest == pick.OnHeldOut ? "same"
                : sweep.FirstOrDefault(r => r.Spec.Cell == row.Cell && r.Spec.LearningRate == onTest)?.Score($"test{table.Metric}{row.FieldSuffix}") is { } v
                    ? Number(Shown(table, v)) : "-";
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Method} | {row.Cell.Samples} | {Number(row.Paper)} | {ours} | {scores.Length} | {Rate(pick.OnHeldOut)} | {Rate(pick.OnTest)} | {atTestPick} |\n");
        }
        return text.ToString();
    }

    /// Each row's pick and the test scores (as shown: errors in %) of its final runs at that pick.
    public static IReadOnlyList<RowResult> Rows(PaperTable table, IReadOnlyList<RunRecord> records)
    {
        var mine = records.Where(r => r.Spec.Cell.Task == table.Task).ToArray();
        return [.. table.Rows.Select(row =>
        {
            var pick = LearningRatePick.For(table, row, mine);
            var scores = mine.Where(r => r.Spec.Phase == RunPhase.Final && r.Spec.Cell == row.Cell && r.Spec.LearningRate == pick.OnHeldOut)
                             .Select(r => r.Score($"test{table.Metric}{row.FieldSuffix}")).OfType<double>().Select(v => Shown(table, v)).ToArray();
            return new RowResult(row, pick, scores);
        })];
    }

    /// Held-out score of every sweep run: rows as in the table, a column per learning rate.
    static void AppendSweep(StringBuilder text, PaperTable table, RunRecord[] records)
    {
        var sweep = records.Where(r => r.Spec.Phase == RunPhase.Sweep).ToArray();
        if (sweep.Length == 0) return;
        var rates = sweep.Select(r => r.Spec.LearningRate).Distinct().Order().ToArray();
        text.Append($"\nSweep: held-out {(table.ScoresError ? "error (%)" : "C_100 (nats)")} of each learning rate ")
            .Append("(seed 1; `div`: diverged; **bold**: the pick).\n\n");
        text.Append("| method | M | ").AppendJoin(" | ", rates.Select(r => Rate(r))).Append(" |\n|---|---:|")
            .Append(string.Concat(rates.Select(_ => "---:|"))).Append('\n');
        foreach (var row in table.Rows)
        {
            double? picked = LearningRatePick.For(table, row, records).OnHeldOut;
            text.Append(CultureInfo.InvariantCulture, $"| {row.Method} | {row.Cell.Samples} |");
            foreach (double lr in rates)
            {
                var run = sweep.FirstOrDefault(r => r.Spec.Cell == row.Cell && r.Spec.LearningRate == lr);
                string cell = run is null ? "" : run.Score($"heldOut{table.Metric}{row.FieldSuffix}") is { } v ? Number(Shown(table, v)) : "div";
                text.Append(' ').Append(lr == picked ? $"**{cell}**" : cell).Append(" |");
            }
            text.Append('\n');
        }
    }

    /// The values a field takes over the runs, e.g. `50` or `2, 50` for lines of two protocols.
    static string Distinct(RunRecord[] records, Func<RunRecord, string?> field) =>
        string.Join(", ", records.Select(field).OfType<string>().Distinct().Order(StringComparer.Ordinal));

    /// Errors as percentages, log-likelihoods in nats.
    public static double Shown(PaperTable table, double score) => table.ScoresError ? 100 * score : score;

    static string Number(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    static string Rate(double? lr) => lr?.ToString("R", CultureInfo.InvariantCulture) ?? "-";
}
