// Transpose: destination (cols, rows) = source (rows, cols) transposed, or added to it.
//   Rows        destination rows [firstColumn, endColumn) = source columns, destination rows ld apart
//   AddRows     destination (cols, rows) += source (rows, cols), source rows ld apart
// Variants: Vector512 (gathers of 16 source rows per destination vector, stored contiguously)
// and the scalar references RowsReference and AddRowsReference; the last rows % 16 go through
// the scalar loop. The second layer's W_2^T and G(W_2)^T: 40000 entries per step and per pass,
// about 1.6% of a G3 training profile when they were scalar.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

public static class Transpose
{
    /// `destination[j * ld + i] = source[i * cols + j]` for `i < rows` and `j` in `[firstColumn, endColumn)`.
    public static unsafe void Rows(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld,
                                   int firstColumn = 0, int endColumn = int.MaxValue)
    {
        endColumn = Math.Min(endColumn, cols);
        CheckRows(source, rows, cols, destination, ld, firstColumn);
        int vectorRows = Gathers(rows, cols) ? rows / 16 * 16 : 0;
        fixed (float* src = source, dst = destination)
        {
            if (vectorRows > 0)
            {
                var offsets = Vector256<int>.Indices * cols;
                for (int j = firstColumn; j < endColumn; j++)
                    for (int i0 = 0; i0 < vectorRows; i0 += 16)
                        Gather16(src + i0 * cols + j, offsets, 8 * cols).Store(dst + j * ld + i0);
            }
            for (int j = firstColumn; j < endColumn; j++)
                for (int i = vectorRows; i < rows; i++) dst[j * ld + i] = src[i * cols + j];
        }
    }

    public static void RowsReference(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld,
                                     int firstColumn = 0, int endColumn = int.MaxValue)
    {
        endColumn = Math.Min(endColumn, cols);
        CheckRows(source, rows, cols, destination, ld, firstColumn);
        for (int j = firstColumn; j < endColumn; j++)
            for (int i = 0; i < rows; i++) destination[j * ld + i] = source[i * cols + j];
    }

    /// `destination[j * rows + i] += source[i * ld + j]` for `i < rows`, `j < cols`.
    public static unsafe void AddRows(ReadOnlySpan<float> source, int rows, int cols, int ld, Span<float> destination)
    {
        CheckAdd(source, rows, cols, ld, destination);
        int vectorRows = Gathers(rows, ld) ? rows / 16 * 16 : 0;
        fixed (float* src = source, dst = destination)
        {
            if (vectorRows > 0)
            {
                var offsets = Vector256<int>.Indices * ld;
                for (int j = 0; j < cols; j++)
                    for (int i0 = 0; i0 < vectorRows; i0 += 16)
                    {
                        float* target = dst + j * rows + i0;
                        (Vector512.Load(target) + Gather16(src + i0 * ld + j, offsets, 8 * ld)).Store(target);
                    }
            }
            for (int j = 0; j < cols; j++)
                for (int i = vectorRows; i < rows; i++) dst[j * rows + i] += src[i * ld + j];
        }
    }

    public static void AddRowsReference(ReadOnlySpan<float> source, int rows, int cols, int ld, Span<float> destination)
    {
        CheckAdd(source, rows, cols, ld, destination);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) destination[j * rows + i] += source[i * ld + j];
    }

    /// Whether the gathers run: AVX-512 chosen, and 16 rows' offsets fit an int.
    static bool Gathers(int rows, int stride) => KernelIsa.UseVector512 && Avx2.IsSupported && (long)16 * stride <= int.MaxValue;

    /// `p[0], p[stride], ..., p[15 stride]` (`offsets` = the first eight, `half` = 8 stride);
    /// .NET exposes no 16-lane gather, so two of 8.
    static unsafe Vector512<float> Gather16(float* p, Vector256<int> offsets, int half) =>
        Vector512.Create(Avx2.GatherVector256(p, offsets, 4), Avx2.GatherVector256(p + half, offsets, 4));

    static void CheckRows(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination, int ld, int firstColumn)
    {
        if (rows < 0 || cols < 0 || firstColumn < 0) SfnnThrow.Argument("sizes and firstColumn must not be negative");
        if (ld < rows || source.Length < rows * cols || (cols > 0 && destination.Length < (cols - 1) * ld + rows)) SfnnThrow.DestinationTooShort();
    }

    static void CheckAdd(ReadOnlySpan<float> source, int rows, int cols, int ld, Span<float> destination)
    {
        if (rows < 0 || cols < 0 || ld < cols) SfnnThrow.Argument("sizes must not be negative, and ld must be at least cols");
        if ((rows > 0 && source.Length < (rows - 1) * ld + cols) || destination.Length < rows * cols) SfnnThrow.DestinationTooShort();
    }
}
