using FsCheck;
using Microsoft.FSharp.Core;

namespace SimdSfnn.Property;

/// FsCheck configurations with a fixed replay seed, so every property run draws the same cases.
public static class Seeded
{
    public static Config Config(int maxTest, ulong seed) =>
        FsCheck.Config.QuickThrowOnFailure
            .WithMaxTest(maxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL | 1UL), FSharpOption<int>.None)));
}
