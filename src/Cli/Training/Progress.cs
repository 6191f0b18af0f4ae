using System.Diagnostics;
using System.Globalization;

namespace SimdSfnn.Cli.Training;

/// Progress on stderr: a line per epoch, and on a terminal a line redrawn within the epoch.
internal sealed class Progress(TextWriter writer, bool interactive)
{
    readonly Stopwatch sinceRedraw = Stopwatch.StartNew();

    public static Progress ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Step(int epoch, int epochs, int step, int steps, double seconds)
    {
        if (!interactive || sinceRedraw.ElapsedMilliseconds < 250) return;
        sinceRedraw.Restart();
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\repoch {epoch + 1}/{epochs}  {100.0 * step / steps,3:F0}%  {seconds * steps / step,6:F2} s/epoch   "));
    }

    public void Epoch(EpochRecord r, int epochs, double secondsLeft)
    {
        if (interactive) writer.Write('\r');
        string error = double.IsNaN(r.TestError) ? "" : string.Create(CultureInfo.InvariantCulture, $"  test error {100 * r.TestError:F2}%");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch}/{epochs}  C_M {r.Criterion:F4}{error}  test C_{r.TestSamples} {r.TestLogLikelihood:F4}  lr {r.LearningRate:G3}  {r.ExamplesPerSecond:F0} ex/s  {r.Seconds:F2} s  left {Duration(secondsLeft)}"));
    }

    public void Message(string text) => writer.WriteLine(text);

    /// `42s`, `3m05s`, `1h20m`.
    public static string Duration(double seconds) =>
        seconds >= 3600 ? $"{(int)(seconds / 3600)}h{(int)(seconds % 3600 / 60):D2}m"
        : seconds >= 60 ? $"{(int)(seconds / 60)}m{(int)(seconds % 60):D2}s"
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s");
}
