// SoftmaxRows: for each row of logits o, p = softmax(o) and the log-probability of the row's
// label, both shifted by the row's largest logit so that nothing overflows (hand-written: the
// classifier's rows have 10 classes, and a library call per row cost more than the arithmetic).
//   Compute     dispatch: Vector512 for rows of at most 16 (one vector each: -inf past the row,
//               FastExp, one log per row); Vector256 and Vector128 the same with a row as two or
//               four vectors (one generic kernel); else row by row through TensorPrimitives
//   Reference   scalar, in double
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SimdSfnn.Tensors;

internal static class SoftmaxRows
{
    /// For rows `r < rows` of `n` logits: `p[r n + j] = exp(o[r n + j] - lse_r)` and
    /// `logLabel[r] = o[r n + labels[r / rowsPerLabel]] - lse_r`, `lse_r = log sum_j exp(o[r n + j])`.
    public static void Compute(ReadOnlySpan<float> o, int rows, int n, ReadOnlySpan<int> labels, int rowsPerLabel,
                               Span<float> p, Span<float> logLabel)
    {
        Check(o, rows, n, labels, rowsPerLabel, p, logLabel);
        if (KernelIsa.Current == Isa.Scalar || n > 16 || n == 0)
        {
            for (int r = 0; r < rows; r++) ByLibrary(o.Slice(r * n, n), labels[r / rowsPerLabel], p.Slice(r * n, n), out logLabel[r]);
            return;
        }
        if (KernelIsa.UseVector256) Compute<Vector256<float>, Vec256>(o, rows, n, labels, rowsPerLabel, p, logLabel);
        else if (KernelIsa.UseVector128) Compute<Vector128<float>, Vec128>(o, rows, n, labels, rowsPerLabel, p, logLabel);
        else Compute512(o, rows, n, labels, rowsPerLabel, p, logLabel);
    }

    static void Compute512(ReadOnlySpan<float> o, int rows, int n, ReadOnlySpan<int> labels, int rowsPerLabel, Span<float> p, Span<float> logLabel)
    {
        var inRow = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).AsSingle();
        var negativeInfinity = Vector512.Create(float.NegativeInfinity);
        Span<float> last = stackalloc float[16];
        for (int r = 0; r < rows; r++)
        {
            // a row is read and written as a whole vector while one fits before the end
            bool whole = r * n + 16 <= o.Length && r * n + 16 <= p.Length;
            Vector512<float> logits;
            if (whole) logits = Vector512.LoadUnsafe(in o[r * n]);
            else
            {
                o.Slice(r * n, n).CopyTo(last);
                logits = Vector512.Create((ReadOnlySpan<float>)last);
            }
            logits = Vector512.ConditionalSelect(inRow, logits, negativeInfinity);
            float max = Max(logits);
            float label = o[r * n + labels[r / rowsPerLabel]];
            if (float.IsInfinity(max) || float.IsNaN(max))
            {
                // all -inf, or an infinite or NaN logit: the library path defines those cases
                ByLibrary(o.Slice(r * n, n), labels[r / rowsPerLabel], p.Slice(r * n, n), out logLabel[r]);
                continue;
            }
            var e = FastExp.Invoke(logits - Vector512.Create(max)) & inRow;
            float sum = Vector512.Sum(e);
            logLabel[r] = label - max - MathF.Log(sum); // (label - max) first: rounded at its own size, not max's
            var probabilities = e * (1f / sum);
            if (whole) probabilities.StoreUnsafe(ref p[r * n]); // lanes past the row are the next row's, rewritten next
            else
            {
                probabilities.CopyTo(last);
                last[..n].CopyTo(p.Slice(r * n, n));
            }
        }
    }

    /// A row of n <= 16 as its first ceil(n / Vec.Count) vectors: the max, then exp(o - max) written
    /// to p and summed, then p scaled, each pass over the row in L1.
    static unsafe void Compute<TV, Vec>(ReadOnlySpan<float> o, int rows, int n, ReadOnlySpan<int> labels, int rowsPerLabel,
                                        Span<float> p, Span<float> logLabel) where TV : struct where Vec : IVec<TV>
    {
        int parts = (n + Vec.Count - 1) / Vec.Count, span = parts * Vec.Count;
        var negativeInfinity = Vec.Create(float.NegativeInfinity);
        float* last = stackalloc float[16];
        fixed (float* po = o, pp = p)
            for (int r = 0; r < rows; r++)
            {
                // a row is read and written in place while its vectors fit before the end
                bool whole = r * n + span <= o.Length && r * n + span <= p.Length;
                float* logits = po + r * n, probabilities = pp + r * n;
                if (!whole)
                {
                    o.Slice(r * n, n).CopyTo(new Span<float>(last, 16));
                    logits = probabilities = last;
                }
                var largest = negativeInfinity;
                for (int q = 0; q < parts; q++)
                    largest = Vec.Max(largest, Vec.Select(Vec.FirstLanes(n - q * Vec.Count), Vec.Load(logits + q * Vec.Count), negativeInfinity));
                float max = Vec.MaxLane(largest);
                float label = o[r * n + labels[r / rowsPerLabel]];
                if (float.IsInfinity(max) || float.IsNaN(max))
                {
                    ByLibrary(o.Slice(r * n, n), labels[r / rowsPerLabel], p.Slice(r * n, n), out logLabel[r]);
                    continue;
                }
                var shift = Vec.Create(max);
                var total = Vec.Create(0f);
                for (int q = 0; q < parts; q++)
                {
                    // lanes past the row are zero here and, when whole, the next row's, rewritten next
                    var e = Vec.And(Vec.FastExp(Vec.Subtract(Vec.Load(logits + q * Vec.Count), shift)), Vec.FirstLanes(n - q * Vec.Count));
                    Vec.Store(e, probabilities + q * Vec.Count);
                    total = Vec.Add(total, e);
                }
                float sum = Vec.Sum(total);
                logLabel[r] = label - max - MathF.Log(sum); // (label - max) first: rounded at its own size, not max's
                var scale = Vec.Create(1f / sum);
                for (int q = 0; q < parts; q++) Vec.Store(Vec.Multiply(Vec.Load(probabilities + q * Vec.Count), scale), probabilities + q * Vec.Count);
                if (!whole) new ReadOnlySpan<float>(last, n).CopyTo(p.Slice(r * n, n));
            }
    }

    /// `d = weight (onehot(label) - p)`: the gradient of `weight log P(label)` with respect to the
    /// logits whose softmax is `p`. A plain loop: a library call per 10-class row cost more than
    /// its arithmetic.
    public static void Signal(ReadOnlySpan<float> p, int label, float weight, Span<float> d)
    {
        if (d.Length < p.Length) SfnnThrow.DestinationTooShort();
        for (int j = 0; j < p.Length; j++) d[j] = p[j] * -weight;
        d[label] += weight;
    }

    public static void Reference(ReadOnlySpan<float> o, int rows, int n, ReadOnlySpan<int> labels, int rowsPerLabel,
                                 Span<float> p, Span<float> logLabel)
    {
        Check(o, rows, n, labels, rowsPerLabel, p, logLabel);
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < n; j++) max = Math.Max(max, o[r * n + j]);
            for (int j = 0; j < n; j++) sum += Math.Exp(o[r * n + j] - max);
            double lse = max + Math.Log(sum);
            for (int j = 0; j < n; j++) p[r * n + j] = (float)Math.Exp(o[r * n + j] - lse);
            logLabel[r] = n == 0 ? float.NaN : (float)(o[r * n + labels[r / rowsPerLabel]] - lse);
        }
    }

    static float Max(Vector512<float> v)
    {
        var half = Vector256.Max(v.GetLower(), v.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        return MathF.Max(MathF.Max(quarter[0], quarter[1]), MathF.Max(quarter[2], quarter[3]));
    }

    /// One row through TensorPrimitives: p = exp(o - max) / sum, log p(label) = (o_label - max) - log sum;
    /// non-finite rows as LogSoftmax defines them.
    static void ByLibrary(ReadOnlySpan<float> o, int label, Span<float> p, out float logLabel)
    {
        if (o.IsEmpty)
        {
            logLabel = float.NaN;
            return;
        }
        float max = TensorPrimitives.Max(o);
        if (!float.IsFinite(max))
        {
            LogSoftmax.Compute(o, p);
            logLabel = p[label];
            TensorPrimitives.Exp(p, p);
            return;
        }
        TensorPrimitives.Subtract(o, max, p);
        TensorPrimitives.Exp(p, p);
        float sum = TensorPrimitives.Sum(p);
        TensorPrimitives.Multiply(p, 1f / sum, p);
        logLabel = o[label] - max - MathF.Log(sum);
    }

    static void Check(ReadOnlySpan<float> o, int rows, int n, ReadOnlySpan<int> labels, int rowsPerLabel, Span<float> p, Span<float> logLabel)
    {
        if (rows < 0 || n < 0 || rowsPerLabel < 1) SfnnThrow.Argument("negative sizes or fewer than one row per label");
        if (o.Length < rows * n) SfnnThrow.ArgumentLength(nameof(o), o.Length, rows * n);
        if (p.Length < rows * n || logLabel.Length < rows) SfnnThrow.DestinationTooShort();
        int labelRows = (rows + rowsPerLabel - 1) / rowsPerLabel;
        if (labels.Length < labelRows) SfnnThrow.ArgumentLength(nameof(labels), labels.Length, labelRows);
        for (int i = 0; i < labelRows; i++)
            if ((uint)labels[i] >= (uint)n) SfnnThrow.Argument($"label {labels[i]} is not one of the {n} classes");
    }
}
