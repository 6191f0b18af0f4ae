using System.Numerics.Tensors;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// Above the first layer the inputs are sampled 0/1 states, so a product with them is a sum of
/// selected rows (`SelectedRowSum`): `a = h W^T` adds the rows of `W^T` where `h` is 1, and
/// `G(W) = d^T h` adds, for each input unit, the rows of `d` where that unit is 1. Each costs one
/// load and add per 1 in `h` against the dense product's FMA per entry, so the sums run only where
/// `h` is sparse enough to win (thresholds measured with `sfnn bench --phases`).
internal sealed partial class NetworkPass
{
    /// Largest fraction of ones in `h` for which `a = h W^T` runs as a sum of selected rows: at
    /// one half the sums (with listing the ones and transposing W) cost about the dense product.
    const double SparseForwardDensity = 0.3;
    /// The same for `G(W) = d^T h`, whose sums read rows of `d` from L2 rather than `W^T` from L1
    /// and ran 1.7 times slower than the dense product at one half.
    const double SparseGradientDensity = 0.2;

    /// Lists where `h_k` is 1 when it is sparse enough for a sum of selected rows to win; a
    /// vectorized sum of the 0/1 states counts the ones far faster than listing them.
    void ListIfSparse(int k)
    {
        int n = shape.Sizes[k + 1];
        var hk = h[k].AsSpan(0, Rows * n);
        float ones = hk.IsEmpty ? 0 : TensorPrimitives.Sum(hk);
        // above it a layer of at most 16 units (the classifier's 10 outputs) has MatMul's narrow
        // kernel, and each selected row would be one masked vector
        bool sparse = Products == ProductStrategy.Sparse
            || (Products == ProductStrategy.Auto && ones <= SparseForwardDensity * hk.Length && shape.Sizes[k + 2] > 16);
        if (sparse) active[k].Build(hk, Rows, n);
        else active[k].Clear();
    }
}
