using SimdSfnn.Tensors;

namespace SimdSfnn.Property;

/// Tests that switch `KernelIsa.Current` run one at a time, so no other test sees the switch.
[CollectionDefinition(nameof(KernelIsaCollection))]
public sealed class KernelIsaCollection;

public static class IsaVariants
{
    static readonly object Gate = new();

    public static TheoryData<Isa> Supported()
    {
        var data = new TheoryData<Isa>();
        foreach (var isa in KernelIsa.Supported) data.Add(isa);
        return data;
    }

    /// Pins `KernelIsa.Current` to `isa` until disposed.
    public static IDisposable Use(Isa isa)
    {
        Monitor.Enter(Gate);
        var saved = KernelIsa.Current;
        KernelIsa.Current = isa;
        return new Restore(saved);
    }

    sealed class Restore(Isa saved) : IDisposable
    {
        public void Dispose()
        {
            KernelIsa.Current = saved;
            Monitor.Exit(Gate);
        }
    }
}
