namespace SimdSfnn.Tensors;

/// `destination (cols, rows)` = `source (rows, cols)` transposed, with destination rows `ld` apart.
public static class Transpose
{
    /// Writes destination rows `[firstColumn, endColumn)` (columns of the source), 16 source rows
    /// at a time, so that each destination write is a contiguous run.
    public static unsafe void Rows(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld,
                                   int firstColumn = 0, int endColumn = int.MaxValue)
    {
        endColumn = Math.Min(endColumn, cols);
        if (ld < rows || source.Length < rows * cols || (cols > 0 && destination.Length < (cols - 1) * ld + rows)) SfnnThrow.DestinationTooShort();
        if (firstColumn < 0) SfnnThrow.Argument("firstColumn must not be negative");
        fixed (float* src = source, dst = destination)
            for (int i0 = 0; i0 < rows; i0 += 16)
            {
                int i1 = Math.Min(i0 + 16, rows);
                for (int j = firstColumn; j < endColumn; j++)
                    for (int i = i0; i < i1; i++) dst[j * ld + i] = src[i * cols + j];
            }
    }
}
