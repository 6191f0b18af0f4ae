namespace SimdSfnn.Cli.Reproduce;

/// A table row's outcome: the learning rates its sweep picked, and the test scores of its final
/// runs (one per seed), with their mean and sd (NaN without scores; sd 0 for one seed).
internal sealed record RowResult(PaperRow Row, LearningRatePick Pick, double[] Scores)
{
    public double Mean => Scores.Length == 0 ? double.NaN : Scores.Average();

    public double Sd => Scores.Length < 2 ? 0 : Math.Sqrt(Scores.Sum(v => (v - Mean) * (v - Mean)) / (Scores.Length - 1));
}
