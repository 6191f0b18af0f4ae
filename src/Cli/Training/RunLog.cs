using System.Text.Json;

namespace SimdSfnn.Cli.Training;

/// One epoch of a run, as a line of `log.jsonl` and of the progress display.
public sealed record EpochRecord(int Epoch, double Criterion, double TestError, double TestLogLikelihood,
                                 int TestSamples, double LearningRate, double Seconds, double ExamplesPerSecond);

/// The JSON-lines log of a run: one object per epoch, flushed as it is written.
public sealed class RunLog(string path, bool append) : IDisposable
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    readonly StreamWriter writer = new(path, append);

    public void Write(EpochRecord record)
    {
        writer.WriteLine(JsonSerializer.Serialize(record, Json));
        writer.Flush();
    }

    public void Dispose() => writer.Dispose();
}
