namespace SimdSfnn.Nn.Gated;

/// Where a (B, G) matrix of gate values is non-zero, listed by gate: gate i's rows are
/// `Rows(i)`, ascending. The sparse gated layers walk these lists gate by gate, so each active
/// gate's weight rows are read once per minibatch and reused, from L1, by every row that has it on;
/// listed by row instead, each row re-read its gates' weights from memory (2000 x 784 floats do
/// not fit the caches) and the sparse path ran at a third of the speed.
internal sealed class ActiveGates
{
    readonly int[] start, next, rows;

    public ActiveGates(int maxRows, int gates)
    {
        Gates = gates;
        start = new int[gates + 1];
        next = new int[gates];
        rows = new int[maxRows * gates];
    }

    public int Gates { get; }
    /// How many (row, gate) pairs the last `Build` found on.
    public int Count => start[Gates];

    /// Gate `gate`'s rows with a non-zero value, ascending.
    public ReadOnlySpan<int> Rows(int gate) => rows.AsSpan(start[gate], start[gate + 1] - start[gate]);

    /// Lists the non-zero entries of `h` (`B` rows of `Gates`).
    public void Build(ReadOnlySpan<float> h, int B)
    {
        int G = Gates;
        Array.Clear(start);
        for (int r = 0; r < B; r++)
        {
            var row = h.Slice(r * G, G);
            for (int i = 0; i < G; i++)
                if (row[i] != 0f) start[i + 1]++;
        }
        for (int i = 0; i < G; i++) start[i + 1] += start[i];
        start.AsSpan(0, G).CopyTo(next);
        for (int r = 0; r < B; r++)
        {
            var row = h.Slice(r * G, G);
            for (int i = 0; i < G; i++)
                if (row[i] != 0f) rows[next[i]++] = r;
        }
    }
}
