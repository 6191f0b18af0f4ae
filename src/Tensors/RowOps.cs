// Row-wise helpers of a row-major (rows, cols) matrix, over TensorPrimitives.Add per row
// (no hand-written vector code: TensorPrimitives already has the op).
//   BiasAdd.AddToRows   matrix[r, j] += bias[j]
//   ColumnSum.Add       destination[j] += sum_r matrix[r, j] (rows optionally strided)
using System.Numerics.Tensors;

namespace SimdSfnn.Tensors;

internal static class BiasAdd
{
    /// `matrix[r * cols + j] += bias[j]`, `cols = bias.Length`.
    public static void AddToRows(Span<float> matrix, int rows, ReadOnlySpan<float> bias)
    {
        int cols = bias.Length;
        if (matrix.Length < rows * cols) SfnnThrow.ArgumentLength(nameof(matrix), matrix.Length, rows * cols);
        for (int r = 0; r < rows; r++)
        {
            var row = matrix.Slice(r * cols, cols);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    public static void AddToRowsReference(Span<float> matrix, int rows, ReadOnlySpan<float> bias)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < bias.Length; j++) matrix[r * bias.Length + j] += bias[j];
    }
}

internal static class ColumnSum
{
    /// `destination[j] += sum_r matrix[r * cols + j]`.
    public static void Add(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> destination) =>
        Add(matrix, rows, cols, cols, destination);

    /// `destination[j] += sum_r matrix[r * stride + j]`: the first `cols` columns of rows `stride` apart.
    public static void Add(ReadOnlySpan<float> matrix, int rows, int cols, int stride, Span<float> destination)
    {
        int needed = rows == 0 ? 0 : (rows - 1) * stride + cols;
        if (stride < cols) SfnnThrow.Argument($"rows {stride} floats apart are narrower than {cols} columns", nameof(stride));
        if (matrix.Length < needed) SfnnThrow.ArgumentLength(nameof(matrix), matrix.Length, needed);
        if (destination.Length < cols) SfnnThrow.DestinationTooShort();
        var sum = destination[..cols];
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sum, matrix.Slice(r * stride, cols), sum);
    }

    public static void AddReference(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) destination[j] += matrix[r * cols + j];
    }
}
