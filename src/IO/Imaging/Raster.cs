using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// An RGB canvas: `Pixels[3 * (y * Width + x) + c]`, white when created. Everything drawn is
/// clipped to the canvas, so callers may draw thick lines and text near the edges freely.
internal sealed class Raster
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public Raster(int width, int height)
    {
        if (width < 1 || height < 1) SfnnThrow.Argument($"a canvas needs at least 1x1 pixels, got {width}x{height}");
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * 3)];
        Pixels.AsSpan().Fill(255);
    }

    public Rgb this[int x, int y]
    {
        get { int i = 3 * (y * Width + x); return new(Pixels[i], Pixels[i + 1], Pixels[i + 2]); }
    }

    public void SetPixel(int x, int y, Rgb color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = 3 * (y * Width + x);
        Pixels[i] = color.R;
        Pixels[i + 1] = color.G;
        Pixels[i + 2] = color.B;
    }

    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        int x0 = Math.Max(x, 0), x1 = Math.Min(x + width, Width);
        int y0 = Math.Max(y, 0), y1 = Math.Min(y + height, Height);
        for (int row = y0; row < y1; row++)
            for (int column = x0; column < x1; column++) SetPixel(column, row, color);
    }

    /// A 1 px border just inside the rectangle.
    public void Outline(int x, int y, int width, int height, Rgb color)
    {
        FillRect(x, y, width, 1, color);
        FillRect(x, y + height - 1, width, 1, color);
        FillRect(x, y, 1, height, color);
        FillRect(x + width - 1, y, 1, height, color);
    }

    /// Bresenham's line (Bresenham 1965, integer error form for all octants) drawn with a 2x2
    /// pen, so the line is 2 px thick whatever its slope; the pen reaches right and down.
    public void Line(int x0, int y0, int x1, int y1, Rgb color)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        int error = dx + dy;
        while (true)
        {
            FillRect(x0, y0, 2, 2, color);
            if (x0 == x1 && y0 == y1) return;
            int twice = 2 * error;
            if (twice >= dy) { error += dy; x0 += sx; }
            if (twice <= dx) { error += dx; y0 += sy; }
        }
    }

    public static int TextWidth(string text, int scale) => text.Length == 0 ? 0 : (text.Length * Font5x7.Advance - 1) * scale;

    public static int TextHeight(int scale) => Font5x7.Height * scale;

    /// Left to right with its top-left corner at (x, y); each font pixel becomes scale x scale.
    public void Text(int x, int y, string text, Rgb color, int scale = 1) =>
        Glyphs(text, (u, v) => FillRect(x + u * scale, y + v * scale, scale, scale, color));

    /// Turned a quarter counter-clockwise to read bottom to top (a y-axis label), with the
    /// top-left corner of its TextHeight-wide, TextWidth-tall box at (x, y).
    public void TextUp(int x, int y, string text, Rgb color, int scale = 1)
    {
        int length = TextWidth(text, 1);
        Glyphs(text, (u, v) => FillRect(x + v * scale, y + (length - 1 - u) * scale, scale, scale, color));
    }

    /// Calls `ink(u, v)` for every set font pixel, u counted along the text and v down the glyph.
    static void Glyphs(string text, Action<int, int> ink)
    {
        for (int i = 0; i < text.Length; i++)
        {
            var rows = Font5x7.Glyph(text[i]);
            for (int v = 0; v < Font5x7.Height; v++)
                for (int u = 0; u < Font5x7.Width; u++)
                    if ((rows[v] >> (Font5x7.Width - 1 - u) & 1) != 0) ink(i * Font5x7.Advance + u, v);
        }
    }
}
