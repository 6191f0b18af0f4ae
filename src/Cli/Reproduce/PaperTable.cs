using SimdSfnn.Cli.Training;
using SimdSfnn.Estimators;

namespace SimdSfnn.Cli.Reproduce;

/// A row of one of Raiko et al.'s tables with the paper's number. `TestedAsStochastic` marks
/// "deterministic tested as stochastic": the deterministic cell, scored with sampled h and C_M.
internal sealed record PaperRow(string Method, Cell Cell, double Paper, bool TestedAsStochastic = false)
{
    /// The suffix of the run line's field that scores this row (Summary's naming).
    public string FieldSuffix => TestedAsStochastic ? "Stochastic" : "";
}

/// Raiko et al. 2014, Tables 1 and 2, as the rows `sfnn reproduce` fills in.
internal sealed record PaperTable(int Number, TaskKind Task, string Title, PaperRow[] Rows)
{
    /// Table 1 reports the test error (lower is better), Table 2 the test C_100 in nats (higher is better).
    public bool ScoresError => Task == TaskKind.Classify;

    /// The metric's part of a run line's field name: `heldOutError`, `testLogLikelihoodStochastic`, ...
    public string Metric => ScoresError ? "Error" : "LogLikelihood";

    public string FileName => $"table{Number}";

    /// Each cell once, in the order of the rows.
    public IReadOnlyList<Cell> Cells => Rows.Select(r => r.Cell).Distinct().ToArray();

    public static readonly PaperTable Classification = new(1, TaskKind.Classify, "MNIST classification (784-200-200-10), test error (%)",
    [
        Row("G1", EstimatorKind.G1, 1, 7.85), Row("G1", EstimatorKind.G1, 20, 11.30),
        Row("G2", EstimatorKind.G2, 1, 7.97), Row("G2", EstimatorKind.G2, 20, 7.86),
        Row("G3", EstimatorKind.G3, 1, 1.82), Row("G3", EstimatorKind.G3, 20, 1.63),
        Row("G4", EstimatorKind.G4, 20, 3.99), Row("G5", EstimatorKind.G5, 20, 2.72),
        Row("deterministic", EstimatorKind.Deterministic, 1, 1.51),
        Row("deterministic tested as stochastic", EstimatorKind.Deterministic, 1, 1.54, stochastic: true),
    ]);

    public static readonly PaperTable StructuredPrediction = new(2, TaskKind.Structured,
        "MNIST structured prediction (392-200-200-392), test C_100 (nats)",
    [
        Row("G3", EstimatorKind.G3, 1, -60.6, TaskKind.Structured), Row("G3", EstimatorKind.G3, 20, -53.8, TaskKind.Structured),
        Row("G4", EstimatorKind.G4, 20, -63.7, TaskKind.Structured), Row("G5", EstimatorKind.G5, 20, -63.2, TaskKind.Structured),
        Row("deterministic", EstimatorKind.Deterministic, 1, -68.3, TaskKind.Structured),
        Row("deterministic tested as stochastic", EstimatorKind.Deterministic, 1, -64.5, TaskKind.Structured, stochastic: true),
    ]);

    public static readonly PaperTable[] All = [Classification, StructuredPrediction];

    /// `table1`, `table2` or `all`; null for any other name.
    public static PaperTable[]? Named(string name) => name switch
    {
        "table1" => [Classification],
        "table2" => [StructuredPrediction],
        "all" => All,
        _ => null,
    };

    public static PaperTable For(TaskKind task) => task == TaskKind.Classify ? Classification : StructuredPrediction;

    static PaperRow Row(string method, EstimatorKind estimator, int samples, double paper, TaskKind task = TaskKind.Classify, bool stochastic = false) =>
        new(method, new Cell(task, estimator, samples), paper, stochastic);
}
