using SimdSfnn.IO.Data;

namespace SimdSfnn.Property.IO;

/// Data-set arrays below the huge-page threshold and above it (where they come uninitialised,
/// pinned and advised) hold exactly what is written into them, at their full length.
public sealed class LargeArrayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(3 << 20)]            // 12 MB: whole 2 MB pages inside
    [InlineData((3 << 20) + 12345)]  // and a ragged end
    public void Holds_what_is_written(int count)
    {
        var array = LargeArray.Floats(count);
        Assert.Equal(count, array.Length);
        for (int i = 0; i < count; i++) array[i] = i * 0.5f - 7;
        for (int i = 0; i < count; i += 1 + i / 64)
            Assert.Equal(i * 0.5f - 7, array[i]);
        if (count > 0) Assert.Equal((count - 1) * 0.5f - 7, array[^1]);
    }
}
