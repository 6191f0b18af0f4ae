using System.Text.Json;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Output;
using SimdSfnn.IO;
using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Training;

/// One epoch of a run, as a line of `log.jsonl` and of the progress display.
internal sealed record EpochRecord(int Epoch, double Criterion, double TestError, double TestLogLikelihood,
                                 int TestSamples, double LearningRate, double Seconds, double ExamplesPerSecond)
{
    /// The firing-rate control's rates at the epoch's end, per controlled layer.
    public IReadOnlyList<FiringRateSummary> FiringRates { get; init; } = [];
}

/// The JSON-lines log of a run: one object per epoch, flushed as it is written.
internal sealed class RunLog : IDisposable
{
    readonly StreamWriter writer;
    double seconds;
    int epochs;

    /// A new log, or with `keepEpochs` the log of a resumed run cut back to the epochs its
    /// checkpoint holds: a run killed between writing an epoch's line and its checkpoint (or in
    /// the middle of a line) would otherwise log that epoch twice.
    public RunLog(string path, int? keepEpochs)
    {
        if (keepEpochs is { } keep && File.Exists(path))
        {
            var kept = File.ReadLines(path).Where(line => Field(line, "epoch") is { } e && e <= keep).ToArray();
            AtomicFile.WriteAllLines(path, kept);
            foreach (var line in kept)
                if (Field(line, "seconds") is { } s)
                {
                    seconds += s;
                    epochs++;
                }
        }
        Path = path;
        writer = new StreamWriter(new FileStream(path, keepEpochs is null ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// The mean training time of the epochs in the log, whichever process ran them; NaN for none.
    public double SecondsPerEpoch => epochs == 0 ? double.NaN : seconds / epochs;

    /// Where the log is.
    public string Path { get; }

    public void Write(EpochRecord record)
    {
        var line = new JsonObject
        {
            ["epoch"] = record.Epoch,
            ["criterion"] = record.Criterion,
            ["testError"] = record.TestError,
            ["testLogLikelihood"] = record.TestLogLikelihood,
            ["testSamples"] = record.TestSamples,
            ["learningRate"] = record.LearningRate,
            ["seconds"] = record.Seconds,
            ["examplesPerSecond"] = record.ExamplesPerSecond,
        };
        if (record.FiringRates.Count > 0) line["firingRates"] = new JsonArray([.. record.FiringRates.Select(r => r.ToJson())]);
        writer.WriteLine(JsonLine.Write(line));
        writer.Flush();
        seconds += record.Seconds;
        epochs++;
    }

    public void Dispose() => writer.Dispose();

    /// A number field of a log line, or null when the line is torn or lacks it.
    static double? Field(string line, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                   && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
        }
        catch (JsonException) { return null; }
    }
}
