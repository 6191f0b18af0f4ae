using SimdSfnn.Nn.Workers;
using SimdSfnn.Tensors;

namespace SimdSfnn.Nn.Training;

/// Gradient ascent with classical momentum (the paper's optimiser, momentum 0.9):
/// `v = mu v + lr g; theta = theta + v`.
public sealed class MomentumSgd(Parameters parameters, float momentum = 0.9f) : IShardedWork
{
    float[] pendingGradient = [];
    float pendingRate;
    bool[] sliceFinite = [];

    public float Momentum { get; } = momentum;
    /// The parameters this optimiser steps.
    public Parameters Parameters { get; } = parameters;
    public float[] Velocity { get; } = new float[parameters.Data.Length];

    /// Takes one step; returns whether every parameter is still finite after it.
    public bool Step(ReadOnlySpan<float> gradient, float learningRate)
    {
        if (gradient.Length != Velocity.Length) throw new ArgumentException("gradient length differs from the parameters'");
        return MomentumUpdate.Apply(Parameters.Data, Velocity, gradient, Momentum, learningRate);
    }

    /// `Step` on the parameters `[start, start + gradient.Length)` only, `gradient` being their
    /// share of the whole gradient; returns whether they are still finite. Elementwise, so steps
    /// over ranges that cover the parameters once give `Step`'s bits, in any order or split.
    public bool StepRange(int start, ReadOnlySpan<float> gradient, float learningRate) => StepRange(start, gradient, learningRate, out _);

    /// `StepRange`, and whether every entry of `gradient` is finite, found in the same pass.
    public bool StepRange(int start, ReadOnlySpan<float> gradient, float learningRate, out bool gradientFinite) =>
        MomentumUpdate.Apply(Parameters.Data.AsSpan(start, gradient.Length), Velocity.AsSpan(start, gradient.Length),
                             gradient, Momentum, learningRate, out gradientFinite);

    /// `Step` with the parameters split across the pool's workers, each updating the share of
    /// whole 16-float blocks that `WorkerPool.BlockShare` gives it (the share it summed the gradient
    /// of, so those entries are still in its cache); elementwise, so the bits are `Step`'s.
    public bool Step(float[] gradient, float learningRate, WorkerPool pool)
    {
        if (gradient.Length != Velocity.Length) throw new ArgumentException("gradient length differs from the parameters'");
        if (sliceFinite.Length != pool.ThreadCount) sliceFinite = new bool[pool.ThreadCount];
        pendingGradient = gradient;
        pendingRate = learningRate;
        pool.Run(this);
        pendingGradient = [];
        return Array.IndexOf(sliceFinite, false) < 0;
    }

    void IShardedWork.Run(int shard)
    {
        var (start, length) = WorkerPool.BlockShare(Velocity.Length, shard, sliceFinite.Length);
        sliceFinite[shard] = length == 0 || MomentumUpdate.Apply(Parameters.Data.AsSpan(start, length), Velocity.AsSpan(start, length),
                                                                 pendingGradient.AsSpan(start, length), Momentum, pendingRate);
    }
}
