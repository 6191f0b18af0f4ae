using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// A tiny training run on synthetic IDX files, with its folder and checkpoint paths.
public sealed class TrainRun(string data, params string[] options)
{
    public string Data { get; } = data;
    public string Out { get; } = TempDir.Fresh("run");
    public string CheckpointPath => Path.Combine(Out, "checkpoint.safetensors");
    public string LogPath => Path.Combine(Out, "log.jsonl");

    /// The tiny run's options, with any of them replaced by the same option in `options`.
    public string[] Args(params string[] extra)
    {
        var args = new List<string> { "train", "--data", Data, "--out", Out };
        string[] defaults = ["--layers", "8", "--batch", "20", "--threads", "1", "--samples", "2", "--eval-samples", "4", "--monitor-samples", "2"];
        for (int i = 0; i < defaults.Length; i += 2)
            if (!options.Contains(defaults[i])) args.AddRange([defaults[i], defaults[i + 1]]);
        return [.. args, .. options, .. extra];
    }

    public SfnnResult Run(params string[] extra) => Sfnn.Run(Args(extra));

    public byte[] Checkpoint() => File.ReadAllBytes(CheckpointPath);
}
