namespace SimdSfnn.Nn.Passes;

/// How `NetworkPass` computes products with sampled 0/1 states.
internal enum ProductStrategy
{
    /// Sums of selected rows where the states are sparse enough to win, dense products elsewhere.
    Auto,
    /// Dense products everywhere.
    Dense,
    /// Sums of selected rows wherever they apply.
    Sparse,
}
