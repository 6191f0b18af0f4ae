using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SimdSfnn.Tensors;

/// The argument checks of the kernels over lists of selected rows (`SelectedRowDot`,
/// `WeightedRowSum`): list i is the entries `index[start[i] .. end[i])`, each naming a row of a
/// source matrix.
internal static class RowLists
{
    /// Checks every list's bounds and that the entries from the first list's start to the last
    /// one's end name rows of a source of `sourceRows` rows; returns how many lists there are and
    /// the end of the last listed entry.
    public static (int Lists, int Entries) Check(ReadOnlySpan<int> index, ReadOnlySpan<int> start, ReadOnlySpan<int> end, int sourceRows)
    {
        int lists = start.Length, lo = int.MaxValue, hi = 0;
        if (end.Length < lists) SfnnThrow.ArgumentLength(nameof(end), end.Length, lists);
        for (int i = 0; i < lists; i++)
        {
            if (start[i] < 0 || end[i] < start[i] || end[i] > index.Length) SfnnThrow.Argument($"list {i} lies outside the index");
            if (end[i] > start[i])
            {
                lo = Math.Min(lo, start[i]);
                hi = Math.Max(hi, end[i]);
            }
        }
        // one vector pass over the entries instead of one per list (thousands of short lists per
        // call); a negative index reads as a huge unsigned one
        if (hi > lo && TensorPrimitives.Max(MemoryMarshal.Cast<int, uint>(index[lo..hi])) >= (uint)sourceRows)
            SfnnThrow.Argument($"an entry names a row past the source's {sourceRows}");
        return (lists, hi);
    }

    /// How many whole rows of `width` a matrix of `length` floats with row stride `ld` holds.
    public static int SourceRows(int length, int ld, int width) =>
        width == 0 ? int.MaxValue : length < width ? 0 : (length - width) / ld + 1;

    /// The rows of `width` at stride `ld` that `lists` lists need, checked against `length`.
    public static void CheckRows(int length, int ld, int width, int lists, string name)
    {
        if (ld < width) SfnnThrow.Argument($"{name}'s row stride is shorter than the width", name);
        if (lists > 0 && length < (long)(lists - 1) * ld + width) SfnnThrow.ArgumentLength(name, length, (lists - 1) * ld + width);
    }
}
