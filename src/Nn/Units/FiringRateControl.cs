namespace SimdSfnn.Nn.Units;

/// Firing-rate bias control (1305.2982 end of section 2; 1308.3432 section 2.1): each unit keeps a
/// moving average of how often it is non-zero, and its bias is pushed up while that rate is below
/// the target (and, two-sided, down while above), so a rectifier that has gone silent comes back.
/// The papers give no constants; these are options: `Target`, `Adjustment` (bias change per step
/// per unit of rate error) and `Averaging` (the moving average's weight on the newest batch).
internal sealed class FiringRateControl
{
    readonly double[] rate;

    public FiringRateControl(int units, double target, double adjustment = 0.05, double averaging = 0.02, bool twoSided = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "the target rate must lie in (0, 1)");
        if (!(adjustment > 0) || !double.IsFinite(adjustment)) throw new ArgumentOutOfRangeException(nameof(adjustment));
        if (!(averaging > 0 && averaging <= 1)) throw new ArgumentOutOfRangeException(nameof(averaging));
        Target = target;
        Adjustment = adjustment;
        Averaging = averaging;
        TwoSided = twoSided;
        // start at the target: a unit is judged on what it does, not on an arbitrary first guess
        rate = new double[units];
        Array.Fill(rate, target);
    }

    public double Target { get; }
    public double Adjustment { get; }
    public double Averaging { get; }
    public bool TwoSided { get; }

    /// Each unit's moving-average firing rate.
    public ReadOnlySpan<double> Rates => rate;

    /// Folds a batch of outputs `h` ((rows, units), row-major) into the rates, then moves `bias`.
    public void Update(ReadOnlySpan<float> h, int rows, Span<float> bias)
    {
        int units = rate.Length;
        if (h.Length < rows * units) throw new ArgumentException("h holds fewer than rows x units outputs", nameof(h));
        Span<int> firing = units <= 1024 ? stackalloc int[units] : new int[units];
        firing.Clear();
        CountFiring(h[..(rows * units)], units, firing);
        Update(firing, rows, bias);
    }

    /// Folds a batch in which unit `j` was non-zero in `firing[j]` of `rows` rows into the rates,
    /// then moves `bias`.
    public void Update(ReadOnlySpan<int> firing, int rows, Span<float> bias)
    {
        int units = rate.Length;
        if (firing.Length != units) throw new ArgumentException($"firing counts {firing.Length} units, the control {units}", nameof(firing));
        if (bias.Length != units) throw new ArgumentException($"bias has {bias.Length} units, the control {units}", nameof(bias));
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        for (int j = 0; j < units; j++)
        {
            rate[j] += Averaging * ((double)firing[j] / rows - rate[j]);
            double error = Target - rate[j];
            if (error > 0 || TwoSided) bias[j] += (float)(Adjustment * error);
        }
    }

    /// Adds to `firing[j]` the rows of `h` ((rows, units), row-major) where unit `j` is non-zero.
    public static void CountFiring(ReadOnlySpan<float> h, int units, Span<int> firing)
    {
        for (int r = 0; r + units <= h.Length; r += units)
        {
            var row = h.Slice(r, units);
            for (int j = 0; j < units; j++) if (row[j] > 0) firing[j]++;
        }
    }

    /// Continues from rates saved by an earlier run (`Rates`), so a resumed run moves the biases
    /// as the uninterrupted one would.
    public void Restore(ReadOnlySpan<double> rates)
    {
        if (rates.Length != rate.Length) throw new ArgumentException($"{rates.Length} saved rates for {rate.Length} units", nameof(rates));
        rates.CopyTo(rate);
    }

    /// The `q`-quantile (0..1) of the units' rates, for the progress picture.
    public double RateQuantile(double q)
    {
        var sorted = rate.ToArray();
        Array.Sort(sorted);
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }
}
