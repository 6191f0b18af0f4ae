using FsCheck;
using FsCheck.Fluent;

namespace SimdSfnn.Property.Tensors;

/// Cases for the sums of selected rows: up to 30 lists over up to 60 source rows, widths 0..150
/// (straddling the 16- and 32-column strips and their tails), row strides padded by 0..5.
public static class RowListCases
{
    public static Gen<(int lists, int sourceRows, int width, int pad, int seed)> Shapes =>
        from lists in Gen.Choose(0, 30)
        from sourceRows in Gen.Choose(1, 60)
        from width in Gen.Choose(0, 150)
        from pad in Gen.Choose(0, 5)
        from seed in Gen.Choose(0, int.MaxValue)
        select (lists, sourceRows, width, pad, seed);

    /// `lists` lists of random length (0 .. 2 sourceRows) into one index array, with repeats.
    public static (int[] index, int[] start, int[] end) RandomLists(Random rnd, int lists, int sourceRows)
    {
        var start = new int[lists];
        var end = new int[lists];
        var index = new List<int>();
        for (int i = 0; i < lists; i++)
        {
            start[i] = index.Count;
            int count = rnd.Next(0, 2 * sourceRows);
            for (int t = 0; t < count; t++) index.Add(rnd.Next(sourceRows));
            end[i] = index.Count;
        }
        return (index.ToArray(), start, end);
    }

    /// Values uniform in [-1, 1).
    public static float[] Random(Random rnd, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rnd.NextDouble() * 2 - 1);
        return a;
    }
}
