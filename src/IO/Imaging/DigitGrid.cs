using SimdSfnn.Tensors;

namespace SimdSfnn.IO.Imaging;

/// A grid of small grey images (digits, samples, completions) with optional row and column
/// labels, drawn as dark ink on white like the figures in the papers. Cells are upscaled by
/// nearest neighbour and separated by 1 px grey lines, which stay 1 px at any scale.
internal sealed class DigitGrid
{
    readonly int rows, columns, cellWidth, cellHeight;
    readonly float[] ink;        // (rows, columns, cellHeight, cellWidth), 0 = white, 1 = black
    readonly int[] marks;        // (rows, columns): first masked pixel row, or -1
    readonly string[] rowLabels, columnLabels;

    public DigitGrid(int rows, int columns, int cellWidth = 28, int cellHeight = 28)
    {
        if (rows < 1 || columns < 1 || cellWidth < 1 || cellHeight < 1)
            SfnnThrow.Argument($"a grid needs at least one row, column and cell pixel, got {rows}x{columns} cells of {cellWidth}x{cellHeight}");
        (this.rows, this.columns, this.cellWidth, this.cellHeight) = (rows, columns, cellWidth, cellHeight);
        ink = new float[checked(rows * columns * cellWidth * cellHeight)];
        marks = new int[rows * columns];
        marks.AsSpan().Fill(-1);
        rowLabels = new string[rows];
        columnLabels = new string[columns];
        rowLabels.AsSpan().Fill("");
        columnLabels.AsSpan().Fill("");
    }

    /// `intensities[y * cellWidth + x]` in [0, 1]; values outside are clamped and NaN shows white.
    public void Set(int row, int column, ReadOnlySpan<float> intensities)
    {
        int cell = Cell(row, column);
        if (intensities.Length != cellWidth * cellHeight) SfnnThrow.ArgumentLength(nameof(intensities), intensities.Length, cellWidth * cellHeight);
        intensities.CopyTo(ink.AsSpan(cell * cellWidth * cellHeight));
    }

    public void SetRowLabel(int row, string label) => rowLabels[Cell(row, 0) / columns] = label ?? "";

    public void SetColumnLabel(int column, string label) => columnLabels[Cell(0, column)] = label ?? "";

    /// A thin red line along the top of pixel row `fromCellRow`, where the masked part begins.
    public void Mark(int row, int column, int fromCellRow)
    {
        int cell = Cell(row, column);
        if ((uint)fromCellRow >= (uint)cellHeight) SfnnThrow.Argument($"pixel row {fromCellRow} is outside a cell of height {cellHeight}", nameof(fromCellRow));
        marks[cell] = fromCellRow;
    }

    public void Save(string path, int scale = 3)
    {
        var canvas = Draw(scale);
        Png.WriteRgb(path, canvas.Width, canvas.Height, canvas.Pixels);
    }

    /// Layout, left to right: row labels (if any), a 1 px gap, then per column the cell and a 1 px
    /// gap; top to bottom the same with column labels.
    internal Raster Draw(int scale)
    {
        if (scale < 1 || scale > 64) SfnnThrow.Argument($"scale must be 1..64, got {scale}", nameof(scale));
        int s = Math.Max(1, (scale + 1) / 2), pad = 2 * s;
        int labelWidth = 0;
        foreach (var label in rowLabels) labelWidth = Math.Max(labelWidth, Raster.TextWidth(label, s));
        int left = labelWidth == 0 ? 0 : labelWidth + 2 * pad;
        int top = Array.TrueForAll(columnLabels, l => l.Length == 0) ? 0 : Raster.TextHeight(s) + 2 * pad;
        int stepX = cellWidth * scale + 1, stepY = cellHeight * scale + 1;
        var canvas = new Raster(left + 1 + columns * stepX, top + 1 + rows * stepY);
        canvas.FillRect(left, top, columns * stepX + 1, rows * stepY + 1, Rgb.Gap);

        for (int r = 0; r < rows; r++)
        {
            int y0 = top + 1 + r * stepY;
            canvas.Text(pad, y0 + (cellHeight * scale - Raster.TextHeight(s)) / 2, rowLabels[r], Rgb.Ink, s);
            for (int c = 0; c < columns; c++)
            {
                int x0 = left + 1 + c * stepX, cell = r * columns + c;
                var pixels = ink.AsSpan(cell * cellWidth * cellHeight, cellWidth * cellHeight);
                for (int y = 0; y < cellHeight; y++)
                    for (int x = 0; x < cellWidth; x++)
                    {
                        float v = pixels[y * cellWidth + x];
                        v = float.IsNaN(v) ? 0 : Math.Clamp(v, 0, 1);
                        canvas.FillRect(x0 + x * scale, y0 + y * scale, scale, scale, Rgb.Gray((byte)MathF.Round(255 * (1 - v))));
                    }
                if (marks[cell] >= 0) canvas.FillRect(x0, y0 + marks[cell] * scale, cellWidth * scale, 1, Rgb.Red);
            }
        }
        for (int c = 0; c < columns; c++)
        {
            int x0 = left + 1 + c * stepX;
            canvas.Text(x0 + (cellWidth * scale - Raster.TextWidth(columnLabels[c], s)) / 2, pad, columnLabels[c], Rgb.Ink, s);
        }
        return canvas;
    }

    int Cell(int row, int column)
    {
        if ((uint)row >= (uint)rows || (uint)column >= (uint)columns)
            SfnnThrow.Argument($"cell ({row}, {column}) is outside a {rows}x{columns} grid");
        return row * columns + column;
    }
}
