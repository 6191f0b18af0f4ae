namespace SimdSfnn.Nn;

/// Stream numbers for `RandomStream.Create(seed, stream)`: one stream per example and use,
/// so draws depend on the seed and the example, never on threads or chunking.
internal static class StreamId
{
    const ulong TrainingTag = 1UL << 60, EvaluationTag = 2UL << 60, LabTag = 3UL << 60;

    /// Example `index` in epoch `epoch` of training (input noise, then hidden samples).
    public static ulong Training(int epoch, int index) => TrainingTag | ((ulong)(uint)epoch << 32) | (uint)index;

    /// Example `index` of an evaluation pass.
    public static ulong Evaluation(int index) => EvaluationTag | (uint)index;

    /// Draw `draw` of the estimator lab's Monte-Carlo run.
    public static ulong Lab(long draw) => LabTag | (ulong)draw;
}
