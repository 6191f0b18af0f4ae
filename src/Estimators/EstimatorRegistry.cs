using SimdSfnn.Nn.Estimation;
namespace SimdSfnn.Estimators;

public enum EstimatorKind { G1, G2, G3, G4, G5, Deterministic, Learned }

public static class EstimatorRegistry
{
    /// The command-line names, in the order the papers list them (Raiko et al.'s, then Bengio's learned correction).
    public static readonly string[] Names = ["G1", "G2", "G3", "G4", "G5", "deterministic", "learned"];

    public static bool TryParse(string name, out EstimatorKind kind)
    {
        int index = Array.FindIndex(Names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        kind = (EstimatorKind)Math.Max(index, 0);
        return index >= 0;
    }

    public static string Name(EstimatorKind kind) => Names[(int)kind];

    /// `hiddenWidths` sizes G1's (and the learned correction's) per-unit baselines; `c` is G5's constant (null: 1/M).
    public static IGradientEstimator Create(EstimatorKind kind, IReadOnlyList<int> hiddenWidths, float? c = null) => kind switch
    {
        EstimatorKind.G1 => new G1LikelihoodRatio(hiddenWidths),
        EstimatorKind.G2 => new G2StraightThrough(),
        EstimatorKind.G3 => new G3SlopeStraightThrough(),
        EstimatorKind.G4 => new G4ImportanceSampled(),
        EstimatorKind.G5 => new G5CenteredImportanceSampled(c),
        EstimatorKind.Deterministic => new DeterministicBackprop(),
        EstimatorKind.Learned => new LearnedCorrection(hiddenWidths),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
