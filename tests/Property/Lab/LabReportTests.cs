using System.Globalization;
using SimdSfnn.Cli.Lab;

namespace SimdSfnn.Property.Lab;

/// `lab --report`: the table covers every estimator and M, the plot is a PNG, its CSV agrees with the facts
/// (G1 unbiased for grad E[C_M]; G5's variance least near c M = 1, as in Raiko et al.'s Figure 1).
public sealed class LabReportTests
{
    [Fact]
    public void Report_writes_the_tables_and_csv_files()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"sfnn-lab-report-{Guid.NewGuid():N}");
        try
        {
            var markdown = new StringWriter();
            LabReport.Write(markdown, directory);
            Assert.Contains("| G5 | 8 |", markdown.ToString());
            var png = File.ReadAllBytes(Path.Combine(directory, "g5-variance-vs-cM.png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

            var rows = File.ReadAllLines(Path.Combine(directory, "bias-variance.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
            Assert.Equal(8 * 4, rows.Length); // G1-G5, deterministic, learned, STS pathwise; M = 1, 2, 4, 8
            // the STS estimator ignores the score of b: biased for its own objective at every M
            Assert.All(rows.Where(r => r[0].StartsWith("STS")), row => Assert.True(Number(row[3]) > 1e-3, $"STS at M = {row[1]}: relative bias {row[3]}"));
            foreach (var row in rows.Where(r => r[0] == "G1"))
                Assert.True(Number(row[3]) < 1e-9, $"G1 at M = {row[1]} has relative bias {row[3]} against grad E[C_M]");
            Assert.All(rows, row => Assert.True(double.IsFinite(Number(row[2])) && double.IsFinite(Number(row[4]))));

            // the learned correction's table: its exact fit and G1's columns agree with the main table
            var learned = File.ReadAllLines(Path.Combine(directory, "learned-correction.csv")).Skip(1).Select(l => l.Split(',').Select(Number).ToArray()).ToArray();
            Assert.Equal([1.0, 2, 4, 8], learned.Select(r => r[0]));
            foreach (var row in learned)
            {
                var main = rows.Single(r => r[0] == "learned" && Number(r[1]) == row[0]);
                Assert.Equal(Number(main[3]), row[2]);
                Assert.Equal(Number(main[4]), row[6]);
                Assert.True(row[4] < 1e-9, $"G1 at M = {row[0]}: relative bias {row[4]}");
                Assert.All(row, value => Assert.True(double.IsFinite(value)));
            }

            var curve = File.ReadAllLines(Path.Combine(directory, "g5-variance-vs-cM.csv")).Skip(1).Select(l => l.Split(',').Select(Number).ToArray()).ToArray();
            for (int column = 1; column < curve[0].Length; column++)
            {
                var least = curve.MinBy(r => r[column])!;
                Assert.Equal(1.0, least[0]);
            }
        }
        finally { if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true); }
    }

    static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
