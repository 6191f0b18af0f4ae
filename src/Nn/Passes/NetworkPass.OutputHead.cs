using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Passes;

/// The output head: the likelihood of the target given the last hidden layer's samples, and
/// the signal it sends down.
internal sealed partial class NetworkPass
{
    /// `log w = log P(y | h)` of every row from the output pre-activations `o`, then each example's
    /// `C_M` and normalised weights `wbar`.
    void OutputHeadForward(ReadOnlySpan<float> oChunk, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)
    {
        int E = Examples, M = Samples, R = Rows, nY = shape.Outputs;
        if (shape.Head == OutputHead.Softmax)
            SoftmaxRows.Compute(oChunk, R, nY, labels, M, p.AsSpan(0, R * nY), logW.AsSpan(0, R));
        else
            for (int r = 0; r < R; r++)
                logW[r] = BernoulliLogLikelihood.Compute(oChunk.Slice(r * nY, nY), targets.Slice(r / M * nY, nY));

        // C_M = log (1/M) sum_m w^(m); wbar^(m) = w^(m) / sum_m' w^(m'), both in log space
        float logM = MathF.Log(M);
        for (int e = 0; e < E; e++)
        {
            var logWe = logW.AsSpan(e * M, M);
            criterion[e] = LogSumExp.Compute(logWe) - logM;
            Softmax.Compute(logWe, wBar.AsSpan(e * M, M));
        }
    }

    /// Raiko et al. 2014, eq. (15)-(17): G(o) = wbar d log P(y|h) / do, one row per sample.
    void OutputSignal(Span<float> dOutChunk, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)
    {
        int M = Samples, R = Rows, nY = shape.Outputs;
        for (int r = 0; r < R; r++)
        {
            var dRow = dOutChunk.Slice(r * nY, nY);
            int e = r / M;
            if (shape.Head == OutputHead.Softmax)
            {
                // softmax: d log P / do = onehot(y) - softmax(o)
                SoftmaxRows.Signal(p.AsSpan(r * nY, nY), labels[e], wBar[r], dRow);
            }
            else
            {
                // bernoulli: d log P / do = y - sigmoid(o)
                BernoulliLogLikelihood.Gradient(o.AsSpan(r * nY, nY), targets.Slice(e * nY, nY), wBar[r], dRow);
            }
        }
    }
}
