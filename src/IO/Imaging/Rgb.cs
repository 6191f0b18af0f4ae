namespace SimdSfnn.IO.Imaging;

/// One 8-bit-per-channel colour, and the few colours the plots and grids share.
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb Ink = new(30, 30, 30);
    public static readonly Rgb GridLine = new(225, 225, 225);
    public static readonly Rgb Gap = new(150, 150, 150);
    public static readonly Rgb Red = new(220, 30, 30);

    public static Rgb Gray(byte level) => new(level, level, level);
}
