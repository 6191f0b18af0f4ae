using SimdSfnn.Nn.Passes;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Evaluation;

/// Loads examples `start .. start + count` of a test set into a pass: inputs, the per-example
/// evaluation streams (so every test-time pass of an example draws the same samples), labels
/// into `labels` and, for the Bernoulli head, the targets it returns.
internal static class TestChunk
{
    public static ReadOnlySpan<float> Load(NetworkPass pass, ExampleSet data, int start, int count, ulong seed, Span<int> labels)
    {
        for (int e = 0; e < count; e++)
        {
            data.Input(start + e).CopyTo(pass.Input(e));
            pass.Stream(e) = RandomStream.Create(seed, StreamId.Evaluation(start + e));
            if (data.Labels is not null) labels[e] = data.Labels[start + e];
        }
        if (data.Targets is null) return default;
        var buffer = pass.TargetBuffer(count);
        data.Targets.AsSpan(start * data.Outputs, count * data.Outputs).CopyTo(buffer);
        return buffer;
    }
}
