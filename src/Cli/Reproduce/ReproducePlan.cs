namespace SimdSfnn.Cli.Reproduce;

/// Every run the protocol asks for: per cell, one sweep run per learning rate, then, once the
/// whole sweep is in, the final runs of each learning rate the cell's rows pick on the held-out
/// examples, one per seed. The final runs cannot be known before their sweep is done.
internal sealed class ReproducePlan(IReadOnlyList<PaperTable> tables, ReproduceProtocol protocol)
{
    public ReproduceProtocol Protocol => protocol;

    public IEnumerable<(PaperTable Table, Cell Cell)> Cells => tables.SelectMany(t => t.Cells.Select(c => (t, c)));

    public IEnumerable<RunSpec> Sweep(Cell cell) =>
        protocol.LearningRates.Select(lr => new RunSpec(cell, lr, ReproduceProtocol.SweepSeed, RunPhase.Sweep));

    /// The cell's final runs, or null while a run of its sweep is missing.
    public IReadOnlyList<RunSpec>? Finals(PaperTable table, Cell cell, IReadOnlyList<RunRecord> records)
    {
        var done = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        if (Sweep(cell).Any(s => !done.Contains(s.Id))) return null;
        var rates = table.Rows.Where(r => r.Cell == cell).Select(r => LearningRatePick.For(table, r, records).OnHeldOut).OfType<double>().Distinct();
        return [.. rates.SelectMany(lr => Enumerable.Range(1, protocol.Seeds).Select(seed => new RunSpec(cell, lr, (ulong)seed, RunPhase.Final)))];
    }

    /// The runs not in `records` that can start now: every missing sweep run, and the missing
    /// final runs of cells whose sweep is done. `waiting` counts the cells whose finals wait.
    public List<RunSpec> Ready(IReadOnlyList<RunRecord> records, out int waiting)
    {
        var done = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var ready = new List<RunSpec>();
        waiting = 0;
        foreach (var (table, cell) in Cells)
        {
            ready.AddRange(Sweep(cell).Where(s => !done.Contains(s.Id)));
            if (Finals(table, cell, records) is { } finals) ready.AddRange(finals.Where(f => !done.Contains(f.Id)));
            else waiting++;
        }
        return ready;
    }

    /// Whether `--run ID` names a run this plan can hold: a cell of its tables, and for a sweep
    /// run one of its learning rates and its seed. A final run's rate is taken on trust: the
    /// machine that runs it need not hold the sweep that picked it.
    public bool Holds(RunSpec spec) =>
        Cells.Any(c => c.Cell == spec.Cell) && (spec.Phase == RunPhase.Final
            ? spec.Seed >= 1
            : spec.Seed == ReproduceProtocol.SweepSeed && protocol.LearningRates.Contains(spec.LearningRate));
}
