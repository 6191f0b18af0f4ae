using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Gated;

/// Where a (B, G) matrix of gate values is non-zero: the active (row, gate) pairs, listed by gate
/// (gate i's rows, ascending) and by row (row r's gates, ascending), the index lists of
/// `SelectedRowDot` and `WeightedRowSum`, with each pair's gate value (in the row order) and expert
/// value (in the gate order). The expert weights are walked gate by gate, so each active gate's
/// weight row is read once per minibatch and reused, from L1, by every row that has it on; listed
/// by row instead, each row re-read its gates' weights from memory (2000 x 784 floats do not fit
/// the caches) and the sparse path ran at a third of the speed. The output map, 10 floats a gate,
/// goes by row.
internal sealed class ActiveGates
{
    readonly NonzeroLists byRow;
    readonly int[] gateStart, next, rows, inGateOrder;
    readonly float[][] scratch;
    readonly float[] h, expert;

    public ActiveGates(int maxRows, int gates)
    {
        Gates = gates;
        byRow = new NonzeroLists(maxRows, gates);
        gateStart = new int[gates + 1];
        next = new int[gates];
        int pairs = maxRows * gates;
        rows = new int[pairs];
        inGateOrder = new int[pairs];
        h = new float[pairs];
        expert = new float[pairs];
        scratch = [new float[pairs], new float[pairs], new float[pairs]];
    }

    public int Gates { get; }
    /// How many (row, gate) pairs the last `Build` found on.
    public int Count => gateStart[Gates];

    /// Gate i's rows are `GateRows[GateStart[i] .. GateEnd[i])`, ascending: pair p of the gate
    /// order is row `GateRows[p]`.
    public ReadOnlySpan<int> GateRows => rows.AsSpan(0, Count);
    public ReadOnlySpan<int> GateStart => gateStart.AsSpan(0, Gates);
    public ReadOnlySpan<int> GateEnd => gateStart.AsSpan(1, Gates);
    /// Row r's gates are `RowGates[RowStart[r] .. RowEnd[r])`, ascending; entry q of this order is
    /// pair `InGateOrder[q]`.
    public ReadOnlySpan<int> RowGates => byRow.RowIndex[..Count];
    public ReadOnlySpan<int> RowStart => byRow.RowStart;
    public ReadOnlySpan<int> RowEnd => byRow.RowEnd;
    public ReadOnlySpan<int> InGateOrder => inGateOrder.AsSpan(0, Count);

    /// Gate `gate`'s rows with a non-zero value, ascending.
    public ReadOnlySpan<int> Rows(int gate) => rows.AsSpan(gateStart[gate], gateStart[gate + 1] - gateStart[gate]);

    /// Each pair's gate value h_ri, in the row order.
    public ReadOnlySpan<float> H => h.AsSpan(0, Count);
    /// Each pair's expert value H_ri (`GatedLayers.SparseForward` writes it), in the gate order.
    public Span<float> Expert => expert.AsSpan(0, Count);
    /// Three arrays of scratch, one float per pair (`which` 0, 1 or 2).
    public Span<float> Scratch(int which) => scratch[which].AsSpan(0, Count);

    /// Lists the non-zero entries of `values` (`B` rows of `Gates`).
    public void Build(ReadOnlySpan<float> values, int B)
    {
        int G = Gates;
        byRow.Build(values, B, G);
        ReadOnlySpan<int> gates = byRow.RowIndex[..byRow.Count], rowEnd = byRow.RowEnd;
        // counts per gate, then each gate's slice, filled row by row so that each is ascending
        Span<int> first = gateStart, cursor = next;
        first.Clear();
        foreach (int i in gates) first[i + 1]++;
        for (int i = 0; i < G; i++) first[i + 1] += first[i];
        first[..G].CopyTo(cursor);
        // one store per pair out of order (the gate lists'); the rest are written in the row order
        Span<int> row = rows, order = inGateOrder;
        Span<float> value = h;
        for (int r = 0, q = 0; r < B; r++)
        {
            var valuesOfRow = values.Slice(r * G, G);
            for (; q < rowEnd[r]; q++)
            {
                int i = gates[q], p = cursor[i]++;
                row[p] = r;
                order[q] = p;
                value[q] = valuesOfRow[i];
            }
        }
    }
}
