using System.Collections.Concurrent;
using Microsoft.Extensions.ObjectPool;

namespace SimdSfnn.Nn.Passes;

/// The per-worker pass objects, rented and returned. A pass holds every activation and scratch
/// buffer of one chunk (megabytes for the MNIST nets), so the evaluations, criterion curves and
/// completion grids of one process share the passes one of them has handed back instead of each
/// allocating its own; a training step rents its passes for as long as it lives. Renting a pass
/// that has been returned allocates nothing.
internal static class PassPool
{
    static readonly ObjectPoolProvider Provider = new DefaultObjectPoolProvider { MaximumRetained = 4 * Environment.ProcessorCount };
    static readonly ConcurrentDictionary<PassSize, ObjectPool<NetworkPass>> Pools = new();

    public static NetworkPass Rent(NetworkShape shape, int maxExamples, int maxSamples) =>
        For(new PassSize(shape, maxExamples, maxSamples)).Get();

    public static void Return(NetworkPass pass) =>
        For(new PassSize(pass.Shape, pass.MaxExamples, pass.MaxSamples)).Return(pass);

    /// Rents one pass per shard into `passes`.
    public static void Rent(NetworkPass[] passes, NetworkShape shape, int maxExamples, int maxSamples)
    {
        for (int t = 0; t < passes.Length; t++) passes[t] = Rent(shape, maxExamples, maxSamples);
    }

    /// Returns every pass of `passes` and forgets them there.
    public static void Return(NetworkPass[] passes)
    {
        for (int t = 0; t < passes.Length; t++)
        {
            Return(passes[t]);
            passes[t] = null!;
        }
    }

    static ObjectPool<NetworkPass> For(PassSize size) =>
        Pools.GetOrAdd(size, static s => Provider.Create(new Policy(s)));

    /// Makes passes of one size, and takes back a pass with the settings of a new one, so what
    /// one renter chose (a product strategy, a phase timer) does not reach the next.
    sealed class Policy(PassSize size) : IPooledObjectPolicy<NetworkPass>
    {
        public NetworkPass Create() => new(size.Shape, size.MaxExamples, size.MaxSamples);

        public bool Return(NetworkPass pass)
        {
            pass.Products = ProductStrategy.Auto;
            pass.Phases = null;
            return true;
        }
    }
}

/// A pass's capacity: passes of equal layer sizes, units, head and capacity are interchangeable
/// (the units are records, equal when they are the same kind with the same settings).
readonly struct PassSize(NetworkShape shape, int maxExamples, int maxSamples) : IEquatable<PassSize>
{
    public NetworkShape Shape { get; } = shape;
    public int MaxExamples { get; } = maxExamples;
    public int MaxSamples { get; } = maxSamples;

    public bool Equals(PassSize other) =>
        MaxExamples == other.MaxExamples && MaxSamples == other.MaxSamples && Shape.Head == other.Shape.Head &&
        Shape.Sizes.AsSpan().SequenceEqual(other.Shape.Sizes) && Shape.Units.AsSpan().SequenceEqual(other.Shape.Units);

    public override bool Equals(object? obj) => obj is PassSize other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(MaxExamples);
        hash.Add(MaxSamples);
        hash.Add(Shape.Head);
        foreach (int width in Shape.Sizes) hash.Add(width);
        foreach (var unit in Shape.Units) hash.Add(unit);
        return hash.ToHashCode();
    }
}
