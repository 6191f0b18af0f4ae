using System.Globalization;

namespace SimdSfnn.IO.Imaging;

/// Axis ticks at round numbers: the step is 1, 2 or 5 times a power of ten, and the axis runs
/// from the multiple of the step at or below the data to the one at or above it.
/// Heckbert, "Nice numbers for graph labels", Graphics Gems (1990), steps (1)-(3) below.
internal readonly record struct AxisTicks(double Step, long First, long Last)
{
    public double Low => First * Step;
    public double High => Last * Step;
    public int Count => (int)(Last - First + 1);

    /// `+ 0.0` turns a negative zero into zero, so no tick reads "-0".
    public double Value(int i) => (First + i) * Step + 0.0;

    /// Non-finite bounds (no data) give 0..1; a single value gets room around it.
    public static AxisTicks For(double min, double max, int target)
    {
        if (!double.IsFinite(max - min)) (min, max) = (0, 1);
        if (min == max)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        // --- (1) round the whole range loosely, then (2) the spacing of `target` ticks closely
        double range = Nice(max - min, round: false);
        double step = Nice(range / Math.Max(target - 1, 1), round: true);
        // --- (3) widen to whole steps; the tolerance keeps 0.3/0.1 from landing on 2.9999
        long first = (long)Math.Floor(min / step + 1e-9), last = (long)Math.Ceiling(max / step - 1e-9);
        return new(step, first, last);
    }

    static double Nice(double x, bool round)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(x)));
        double f = x / power;
        double nice = round
            ? f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
            : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * power;
    }

    /// As many decimals as the step needs; scientific notation where fixed would be too long.
    public string Label(int i)
    {
        double value = Value(i), largest = Math.Max(Math.Abs(Low), Math.Abs(High));
        int stepDigit = (int)Math.Floor(Math.Log10(Step) + 1e-9);
        if (Step >= 1e-3 && largest < 1e6) return value.ToString("F" + Math.Max(0, -stepDigit), CultureInfo.InvariantCulture);
        // a mantissa digit down to the step's, or a narrow range far from zero prints one label many times
        int digits = Math.Max(0, (int)Math.Floor(Math.Log10(largest)) - stepDigit);
        string mantissa = digits == 0 ? "0" : "0." + new string('0', digits);
        return value.ToString(mantissa + "E+0", CultureInfo.InvariantCulture);
    }
}
