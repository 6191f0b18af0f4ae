namespace SimdSfnn.Nn.Gated;

/// The gated classifier's weights and biases in one block (the same layout serves gradients and
/// velocity): `W1` (Hidden, Inputs), `b1`; `W2` (Gates, Hidden), `b2`; the expert `We` (Gates,
/// Inputs), `be`; `V` (Gates, Classes), the output map stored transposed so that gate i's
/// outgoing weights are one contiguous row (the sparse path gathers rows), and `bo` (Classes).
internal sealed class GatedParameters
{
    readonly int w1, b1, w2, b2, we, be, v, bo;

    public GatedParameters(GatedShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.ParameterCount > Array.MaxLength) throw new ArgumentException($"a {shape} net has too many parameters for one block", nameof(shape));
        Shape = shape;
        Data = new float[shape.ParameterCount];
        int at = 0;
        int Take(long n) { int start = at; at += (int)n; return start; }
        w1 = Take((long)shape.Hidden * shape.Inputs);
        b1 = Take(shape.Hidden);
        w2 = Take((long)shape.Gates * shape.Hidden);
        b2 = Take(shape.Gates);
        we = Take((long)shape.Gates * shape.Inputs);
        be = Take(shape.Gates);
        v = Take((long)shape.Gates * shape.Classes);
        bo = Take(shape.Classes);
    }

    public GatedShape Shape { get; }
    public float[] Data { get; }

    public Span<float> W1 => Data.AsSpan(w1, Shape.Hidden * Shape.Inputs);
    public Span<float> B1 => Data.AsSpan(b1, Shape.Hidden);
    public Span<float> W2 => Data.AsSpan(w2, Shape.Gates * Shape.Hidden);
    public Span<float> B2 => Data.AsSpan(b2, Shape.Gates);
    public Span<float> We => Data.AsSpan(we, Shape.Gates * Shape.Inputs);
    public Span<float> Be => Data.AsSpan(be, Shape.Gates);
    public Span<float> V => Data.AsSpan(v, Shape.Gates * Shape.Classes);
    public Span<float> Bo => Data.AsSpan(bo, Shape.Classes);

    /// Weights `U(-r, r)`, `r = sqrt(6 / (fan_in + fan_out))`; biases 0 but the gates', which
    /// start at `gateBias` (a pre-activation that puts about 10% of the gates on, see `GaterKind`).
    public void Initialize(ulong seed, float gateBias)
    {
        var random = new Random(unchecked((int)(seed * 0x9E3779B9UL >> 16)));
        Array.Clear(Data);
        Uniform(W1, Shape.Inputs, Shape.Hidden, random);
        Uniform(W2, Shape.Hidden, Shape.Gates, random);
        Uniform(We, Shape.Inputs, Shape.Gates, random);
        Uniform(V, Shape.Gates, Shape.Classes, random);
        B2.Fill(gateBias);
    }

    static void Uniform(Span<float> w, int fanIn, int fanOut, Random random)
    {
        double r = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.Length; i++) w[i] = (float)((random.NextDouble() * 2 - 1) * r);
    }

    /// Rows `[lo, hi)` of the weight decay and the max-norm constraint (1308.3432 section 5: norm
    /// 2): each unit's incoming weight vector is multiplied by `shrink` (`1 - lr lambda`, the step of
    /// an L2 penalty `lambda/2 |w|^2`; 1 for none), then scaled back to norm `limit` when longer.
    /// Rows number the units of `W1`, then `W2`, then `We`, then the classes (columns of `V`):
    /// `UnitCount` in all.
    public void ShrinkAndClampNorms(int lo, int hi, float shrink, float limit)
    {
        var s = Shape;
        for (int u = lo; u < hi; u++)
        {
            if (u < s.Hidden) ShrinkAndClampRow(W1.Slice(u * s.Inputs, s.Inputs), shrink, limit);
            else if (u < s.Hidden + s.Gates) ShrinkAndClampRow(W2.Slice((u - s.Hidden) * s.Hidden, s.Hidden), shrink, limit);
            else if (u < s.Hidden + 2 * s.Gates) ShrinkAndClampRow(We.Slice((u - s.Hidden - s.Gates) * s.Inputs, s.Inputs), shrink, limit);
            else ShrinkAndClampColumn(V, u - s.Hidden - 2 * s.Gates, s.Classes, shrink, limit);
        }
    }

    public int UnitCount => Shape.Hidden + 2 * Shape.Gates + Shape.Classes;

    static void ShrinkAndClampRow(Span<float> w, float shrink, float limit)
    {
        float norm = shrink * System.Numerics.Tensors.TensorPrimitives.Norm(w);
        float scale = norm > limit ? limit / norm * shrink : shrink;
        if (scale != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(w, scale, w);
    }

    static void ShrinkAndClampColumn(Span<float> v, int c, int classes, float shrink, float limit)
    {
        double sum = 0;
        for (int i = c; i < v.Length; i += classes) sum += v[i] * (double)v[i];
        double norm = shrink * Math.Sqrt(sum);
        float scale = norm > limit ? (float)(limit / norm * shrink) : shrink;
        if (scale == 1) return;
        for (int i = c; i < v.Length; i += classes) v[i] *= scale;
    }
}
