namespace SimdSfnn.Cli.Reproduce;

/// The learning rate a row's sweep picks: on the held-out examples (what `reproduce` trains
/// the final runs with), and on the test set (how Raiko et al. chose, reported beside it).
/// Null while the sweep has no scored run (none finished, or every one diverged).
internal sealed record LearningRatePick(double? OnHeldOut, double? OnTest)
{
    public static LearningRatePick For(PaperTable table, PaperRow row, IEnumerable<RunRecord> records)
    {
        var sweep = records.Where(r => r.Spec.Phase == RunPhase.Sweep && r.Spec.Cell == row.Cell)
                           .OrderBy(r => r.Spec.LearningRate).ToArray();
        return new LearningRatePick(Best(table, sweep, $"heldOut{table.Metric}{row.FieldSuffix}"),
                                    Best(table, sweep, $"test{table.Metric}{row.FieldSuffix}"));
    }

    /// The best score's learning rate; of equal scores, the smallest rate.
    static double? Best(PaperTable table, RunRecord[] sweep, string field)
    {
        double? bestRate = null, bestScore = null;
        foreach (var run in sweep)
        {
            if (run.Score(field) is not { } score) continue;
            bool better = bestScore is not { } best || (table.ScoresError ? score < best : score > best);
            if (!better) continue;
            bestRate = run.Spec.LearningRate;
            bestScore = score;
        }
        return bestRate;
    }
}
