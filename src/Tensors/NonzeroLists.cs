// NonzeroLists: where a (R, n) matrix of sampled 0/1 states is nonzero, listed by row and by
// column, the index lists `SelectedRowSum` consumes (hand-written: a fused compare, mask and
// bit scan that TensorPrimitives does not have).
//   Build            dispatch: Vector512 (compare 16 lanes, compress the nonzero lanes' columns into
//                    the list with no branch: scanning the mask's bits mispredicted on every block) or scalar
//                    Vector256 and Vector128 (one generic loop: compare a vector, then the nonzero
//                    lanes' columns from a table row per mask, still with no branch) or scalar
//   BuildReference   scalar
// Rows: row r's columns are RowIndex[RowStart[r] .. RowStart[r + 1]), ascending.
// Columns (after ListColumns, from the row lists): column j's rows are
// ColumnIndex[ColumnStart[j] .. ColumnEnd[j]), ascending; each column owns a slot of R entries.
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal sealed class NonzeroLists
{
    readonly int[] rowStart, rowIndex, columnStart, columnEnd, columnIndex;

    /// Room for matrices of up to `maxRows` rows and `maxColumns` columns.
    public NonzeroLists(int maxRows, int maxColumns)
    {
        MaxRows = maxRows;
        MaxColumns = maxColumns;
        rowStart = new int[maxRows + 1];
        rowIndex = new int[maxRows * maxColumns + 16]; // room for a whole compressed block at the end
        columnStart = new int[maxColumns];
        columnEnd = new int[maxColumns];
        columnIndex = new int[maxRows * maxColumns];
    }

    public int MaxRows { get; }
    public int MaxColumns { get; }
    public int Rows { get; private set; }
    public int Columns { get; private set; }
    /// How many entries the last `Build` listed.
    public int Count => rowStart[Rows];

    /// Row r's nonzero columns are `RowIndex[RowStart[r] .. RowEnd[r])`.
    public ReadOnlySpan<int> RowIndex => rowIndex;
    public ReadOnlySpan<int> RowStart => rowStart.AsSpan(0, Rows);
    public ReadOnlySpan<int> RowEnd => rowStart.AsSpan(1, Rows);
    /// Column j's nonzero rows are `ColumnIndex[ColumnStart[j] .. ColumnEnd[j])`.
    public ReadOnlySpan<int> ColumnIndex => columnIndex;
    public ReadOnlySpan<int> ColumnStart => columnStart.AsSpan(0, Columns);
    public ReadOnlySpan<int> ColumnEnd => columnEnd.AsSpan(0, Columns);

    /// Empties the lists (`Rows` and `Columns` become 0).
    public void Clear() => Rows = Columns = 0;

    /// Lists, row by row, the entries of `h` (R rows of n) that are not 0.
    public void Build(ReadOnlySpan<float> h, int R, int n)
    {
        Start(h, R, n);
        int count = 0;
        for (int r = 0; r < R; r++)
        {
            var row = h.Slice(r * n, n);
            int j = 0;
            if (KernelIsa.UseVector256) j = ListRow<Vector256<float>, Vec256>(row, ref count);
            else if (KernelIsa.UseVector128) j = ListRow<Vector128<float>, Vec128>(row, ref count);
            else if (KernelIsa.UseVector512 && Avx512F.IsSupported)
                for (; j + 16 <= n; j += 16)
                {
                    var nonzero = ~Vector512.Equals(Vector512.LoadUnsafe(in row[j]), Vector512<float>.Zero).AsInt32();
                    Avx512F.Compress(Vector512<int>.Zero, nonzero, Vector512<int>.Indices + Vector512.Create(j)).StoreUnsafe(ref rowIndex[count]);
                    count += BitOperations.PopCount(nonzero.ExtractMostSignificantBits());
                }
            for (; j < n; j++)
                if (row[j] != 0) rowIndex[count++] = j;
            rowStart[r + 1] = count;
        }
    }

    /// A row's whole vectors into `rowIndex` from `count`; returns where the scalar tail starts.
    int ListRow<TV, Vec>(ReadOnlySpan<float> row, ref int count) where TV : struct where Vec : IVec<TV>
    {
        var zero = Vec.Create(0f);
        int j = 0;
        for (; j + Vec.Count <= row.Length; j += Vec.Count)
        {
            // not (h == 0), so a NaN counts as the scalar loop counts it
            uint nonzero = ~Vec.Bits(Vec.Equals(Vec.Load(in row[j], 0), zero)) & ((1u << Vec.Count) - 1);
            count += Vec.Columns(nonzero, j, ref rowIndex[count]);
        }
        return j;
    }

    public void BuildReference(ReadOnlySpan<float> h, int R, int n)
    {
        Start(h, R, n);
        int count = 0;
        for (int r = 0; r < R; r++)
        {
            for (int j = 0; j < n; j++)
                if (h[r * n + j] != 0) rowIndex[count++] = j;
            rowStart[r + 1] = count;
        }
    }

    /// Fills the column lists from the row lists of the last `Build`.
    public void ListColumns()
    {
        int R = Rows;
        for (int j = 0; j < Columns; j++) columnEnd[j] = j * R;
        for (int r = 0; r < R; r++)
            for (int t = rowStart[r]; t < rowStart[r + 1]; t++) columnIndex[columnEnd[rowIndex[t]]++] = r;
    }

    void Start(ReadOnlySpan<float> h, int R, int n)
    {
        if ((uint)R > (uint)MaxRows || (uint)n > (uint)MaxColumns) SfnnThrow.Argument($"{R} x {n} exceeds the lists' room of {MaxRows} x {MaxColumns}");
        if (h.Length < R * n) SfnnThrow.ArgumentLength(nameof(h), h.Length, R * n);
        Rows = R;
        Columns = n;
        rowStart[0] = 0;
        for (int j = 0; j < n; j++) columnStart[j] = columnEnd[j] = j * R;
    }
}
