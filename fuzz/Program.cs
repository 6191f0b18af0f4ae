using SharpFuzz;
using SimdSfnn.Cli.Lab;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.IO.Checkpoints;
using SimdSfnn.IO.Data;

namespace SimdSfnn.Fuzz;

/// AFL target: `SimdSfnn.Fuzz idx|safetensors|checkpoint|lab`. Each input is written to a file
/// and given to the reader; refusing it with `BadInputException` is the expected outcome,
/// any other exception is a crash that AFL keeps.
public static class Program
{
    public static void Main(string[] args)
    {
        string target = args.Length > 0 ? args[0] : "idx";
        string path = Path.Combine(Path.GetTempPath(), $"sfnn-fuzz-{Environment.ProcessId}");
        Action<string> read = target switch
        {
            "idx" => p => { Refused(() => IdxFile.ReadImages(p)); Refused(() => IdxFloats.ReadRows(p)); IdxFile.ReadLabels(p); },
            "safetensors" => p => Safetensors.Read(p),
            "checkpoint" => p => Checkpoint.Load(p),
            "lab" => p => LabSpec.Load(p),
            _ => throw new ArgumentException($"unknown target '{target}'"),
        };
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using (var file = File.Create(path)) stream.CopyTo(file);
            Refused(() => read(path));
        });
    }

    static void Refused(Action read)
    {
        try { read(); }
        catch (BadInputException) { }
    }
}
