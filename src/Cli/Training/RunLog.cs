using System.Text.Json;
using SimdSfnn.Nn;

namespace SimdSfnn.Cli.Training;

/// One epoch of a run, as a line of `log.jsonl` and of the progress display.
public sealed record EpochRecord(int Epoch, double Criterion, double TestError, double TestLogLikelihood,
                                 int TestSamples, double LearningRate, double Seconds, double ExamplesPerSecond);

/// The JSON-lines log of a run: one object per epoch, flushed as it is written.
public sealed class RunLog : IDisposable
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    readonly StreamWriter writer;

    /// A new log, or with `keepEpochs` the log of a resumed run cut back to the epochs its
    /// checkpoint holds: a run killed between writing an epoch's line and its checkpoint (or in
    /// the middle of a line) would otherwise log that epoch twice.
    public RunLog(string path, int? keepEpochs)
    {
        if (keepEpochs is { } keep && File.Exists(path))
        {
            var kept = File.ReadLines(path).Where(line => EpochOf(line) is { } e && e <= keep).ToArray();
            AtomicFile.WriteAllLines(path, kept);
        }
        writer = new StreamWriter(path, append: keepEpochs is not null);
    }

    public void Write(EpochRecord record)
    {
        writer.WriteLine(JsonSerializer.Serialize(record, Json));
        writer.Flush();
    }

    public void Dispose() => writer.Dispose();

    static int? EpochOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("epoch", out var epoch)
                   && epoch.ValueKind == JsonValueKind.Number && epoch.TryGetInt32(out int value) ? value : null;
        }
        catch (JsonException) { return null; }
    }
}
