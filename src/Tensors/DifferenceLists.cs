// DifferenceLists: where a (R, n) matrix of sampled 0/1 states differs from a 0/1 reference row
// shared by `rowsPerReference` consecutive rows, split by the sign of h - reference: the lists
// `SignedRowSum` consumes (hand-written: a fused compare, mask and bit scan).
//   Build            dispatch: Vector512 (compare 16 lanes, compress the lanes that differ into
//                    the list with no branch: scanning bits mispredicted on every block) or scalar
//                    Vector256 and Vector128 (one generic loop: the columns from a table row per
//                    mask, still with no branch) or scalar
//   BuildReference   scalar
// Row r's +1 columns are PlusIndex[r s ..), its -1 columns MinusIndex[r s ..), ascending, where
// the slot s = n + 16 leaves room for the compressed store of a whole block.
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSfnn.Tensors;

internal sealed class DifferenceLists
{
    readonly int[] plusIndex, minusIndex, plusEnd, minusEnd, slotStart;

    /// Room for matrices of up to `maxRows` rows and `maxColumns` columns.
    public DifferenceLists(int maxRows, int maxColumns)
    {
        MaxRows = maxRows;
        MaxColumns = maxColumns;
        plusIndex = new int[maxRows * (maxColumns + 16)];
        minusIndex = new int[maxRows * (maxColumns + 16)];
        plusEnd = new int[maxRows];
        minusEnd = new int[maxRows];
        slotStart = new int[maxRows];
    }

    public int MaxRows { get; }
    public int MaxColumns { get; }
    public int Rows { get; private set; }
    public int Columns { get; private set; }
    /// How many entries differ (either sign) after the last `Build`.
    public int Count { get; private set; }

    /// Row r's +1 columns are `PlusIndex[RowStart[r] .. RowPlusEnd[r])`, its -1 columns
    /// `MinusIndex[RowStart[r] .. RowMinusEnd[r])`.
    public ReadOnlySpan<int> PlusIndex => plusIndex;
    public ReadOnlySpan<int> MinusIndex => minusIndex;
    public ReadOnlySpan<int> RowStart => slotStart.AsSpan(0, Rows);
    public ReadOnlySpan<int> RowPlusEnd => plusEnd.AsSpan(0, Rows);
    public ReadOnlySpan<int> RowMinusEnd => minusEnd.AsSpan(0, Rows);

    /// Lists where `h` (R rows of n) differs from its reference, row r's being row
    /// `r / rowsPerReference` of `reference`. Both hold only 0 and 1.
    public void Build(ReadOnlySpan<float> h, ReadOnlySpan<float> reference, int R, int n, int rowsPerReference)
    {
        Start(h, reference, R, n, rowsPerReference);
        int count = 0;
        for (int r = 0; r < R; r++)
        {
            var row = h.Slice(r * n, n);
            var expected = reference.Slice(r / rowsPerReference * n, n);
            int plus = slotStart[r], minus = plus;
            int j = 0;
            if (KernelIsa.UseVector256) j = ListRow<Vector256<float>, Vec256>(row, expected, ref plus, ref minus);
            else if (KernelIsa.UseVector128) j = ListRow<Vector128<float>, Vec128>(row, expected, ref plus, ref minus);
            else if (KernelIsa.UseVector512 && Avx512F.IsSupported)
                for (; j + 16 <= n; j += 16)
                {
                    var states = Vector512.LoadUnsafe(in row[j]);
                    var referenceStates = Vector512.LoadUnsafe(in expected[j]);
                    var up = Vector512.GreaterThan(states, referenceStates).AsInt32();
                    var down = Vector512.LessThan(states, referenceStates).AsInt32();
                    var columns = Vector512<int>.Indices + Vector512.Create(j);
                    // whole-vector stores of the compressed lanes: the slot has 16 spare entries
                    Avx512F.Compress(Vector512<int>.Zero, up, columns).StoreUnsafe(ref plusIndex[plus]);
                    Avx512F.Compress(Vector512<int>.Zero, down, columns).StoreUnsafe(ref minusIndex[minus]);
                    plus += BitOperations.PopCount(up.ExtractMostSignificantBits());
                    minus += BitOperations.PopCount(down.ExtractMostSignificantBits());
                }
            for (; j < n; j++)
            {
                if (row[j] > expected[j]) plusIndex[plus++] = j;
                else if (row[j] < expected[j]) minusIndex[minus++] = j;
            }
            plusEnd[r] = plus;
            minusEnd[r] = minus;
            count += plus - slotStart[r] + minus - slotStart[r];
        }
        Count = count;
    }

    /// A row's whole vectors into the lists from `plus` and `minus`; returns where the scalar tail starts.
    int ListRow<TV, Vec>(ReadOnlySpan<float> row, ReadOnlySpan<float> expected, ref int plus, ref int minus) where TV : struct where Vec : IVec<TV>
    {
        int j = 0;
        for (; j + Vec.Count <= row.Length; j += Vec.Count)
        {
            var states = Vec.Load(in row[j], 0);
            var referenceStates = Vec.Load(in expected[j], 0);
            plus += Vec.Columns(Vec.Bits(Vec.LessThan(referenceStates, states)), j, ref plusIndex[plus]);
            minus += Vec.Columns(Vec.Bits(Vec.LessThan(states, referenceStates)), j, ref minusIndex[minus]);
        }
        return j;
    }

    public void BuildReference(ReadOnlySpan<float> h, ReadOnlySpan<float> reference, int R, int n, int rowsPerReference)
    {
        Start(h, reference, R, n, rowsPerReference);
        int count = 0;
        for (int r = 0; r < R; r++)
        {
            int plus = slotStart[r], minus = plus;
            for (int j = 0; j < n; j++)
            {
                float state = h[r * n + j], expected = reference[r / rowsPerReference * n + j];
                if (state > expected) plusIndex[plus++] = j;
                else if (state < expected) minusIndex[minus++] = j;
            }
            plusEnd[r] = plus;
            minusEnd[r] = minus;
            count += plus - slotStart[r] + minus - slotStart[r];
        }
        Count = count;
    }

    void Start(ReadOnlySpan<float> h, ReadOnlySpan<float> reference, int R, int n, int rowsPerReference)
    {
        if ((uint)R > (uint)MaxRows || (uint)n > (uint)MaxColumns) SfnnThrow.Argument($"{R} x {n} exceeds the lists' room of {MaxRows} x {MaxColumns}");
        if (rowsPerReference < 1) SfnnThrow.Argument("rowsPerReference must be at least 1");
        if (h.Length < R * n) SfnnThrow.ArgumentLength(nameof(h), h.Length, R * n);
        int references = (R + rowsPerReference - 1) / rowsPerReference;
        if (reference.Length < references * n) SfnnThrow.ArgumentLength(nameof(reference), reference.Length, references * n);
        Rows = R;
        Columns = n;
        for (int r = 0; r < R; r++) slotStart[r] = r * (n + 16);
    }
}
