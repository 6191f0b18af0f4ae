using System.Text.Json.Nodes;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO.Checkpoints;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Property.Cli;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Reliability;

/// Damaged or hand-made checkpoints: every problem is a `BadInputException` whose one-line
/// message names the file and the problem, never another exception or a half-loaded network.
public sealed class CheckpointValidationTests
{
    static byte[] Valid() => TinyCheckpoint.Bytes();

    public static TheoryData<string, string> Damages => new()
    {
        { "truncated", "truncated" },
        { "short", "truncated" },
        { "header-length", "header length" },
        { "not-json", "not valid JSON" },
        { "bad-utf8", "UTF-8" },
        { "dtype", "dtype" },
        { "nan-weight", "NaN" },
        { "infinite-velocity", "infinity" },
        { "shape", "shape" },
        { "missing-tensor", "no tensor" },
        { "extra-bytes", "after the last tensor" },
        { "overlap", "overlap" },
        { "offsets-not-numbers", "data_offsets" },
        { "samples-zero", "samples" },
        { "lr-nan", "lr" },
        { "epochs-done", "epochsDone" },
        { "sizes", "sizes" },
        { "huge-sizes", "expected [4,100000]" },
        { "head", "head" },
        { "task", "task" },
        { "mean-shape", "'input.mean' has shape [3,2], expected [6]" },
        { "sha256", "'sha256.t10k-images-idx3-ubyte' is missing or not a SHA-256" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_checkpoint_is_refused_naming_file_and_problem(string damage, string problem)
    {
        string path = Path.Combine(TempDir.Create("ckpt"), Checkpoint.FileName);
        File.WriteAllBytes(path, Damage(Valid(), damage));

        var e = Assert.Throws<BadInputException>(() => Checkpoint.Load(path));

        Assert.StartsWith(path, e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_valid_checkpoint_loads()
    {
        string path = Path.Combine(TempDir.Create("ckpt"), Checkpoint.FileName);
        File.WriteAllBytes(path, Valid());

        Assert.Equal(1, Checkpoint.Load(path).EpochsDone);
    }

    [Fact]
    public void Eval_of_a_damaged_checkpoint_exits_2_with_one_line()
    {
        string path = Path.Combine(TempDir.Create("ckpt"), Checkpoint.FileName);
        File.WriteAllBytes(path, Damage(Valid(), "nan-weight"));

        var result = Sfnn.Run("eval", path, "--data", SyntheticIdx.Write());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, Assert.Single(result.StderrLines));
    }

    static byte[] Damage(byte[] bytes, string damage)
    {
        switch (damage)
        {
            case "truncated": return bytes[..^5];
            case "short": return bytes[..5];
            case "header-length": bytes[7] = 0x7F; return bytes;
            case "not-json": bytes[8] = (byte)'['; bytes[9] = (byte)'}'; return bytes;
            case "bad-utf8": bytes[Array.IndexOf(bytes, (byte)'_') + 2] = 0xFF; return bytes; // inside "__metadata__"
            case "nan-weight": SafetensorsBytes.Tensor(bytes, "layers.0.weight")[3] = float.NaN; return bytes;
            case "infinite-velocity": SafetensorsBytes.Tensor(bytes, "optimizer.velocity")[0] = float.NegativeInfinity; return bytes;
            case "extra-bytes": return [.. bytes, 0, 0, 0, 0];
        }
        return SafetensorsBytes.WithHeader(bytes, header =>
        {
            var meta = header["__metadata__"]!.AsObject();
            var bias = header["layers.1.bias"]!.AsObject();
            switch (damage)
            {
                case "dtype": bias["dtype"] = "F16"; break;
                case "shape": header["layers.1.weight"]!["shape"] = new JsonArray(4, 3); header["layers.1.bias"]!["shape"] = new JsonArray(3, 1); break;
                case "missing-tensor": header.Remove("layers.1.bias"); header["layers.1.bias_"] = bias; break;
                case "overlap": bias["data_offsets"] = new JsonArray(0, 12); break;
                case "offsets-not-numbers": bias["data_offsets"] = new JsonArray("0", "12"); break;
                case "samples-zero": meta["samples"] = "0"; break;
                case "lr-nan": meta["lr"] = "NaN"; break;
                case "epochs-done": meta["epochsDone"] = "4"; break;
                case "sizes": meta["sizes"] = "6-5-3"; break;
                case "huge-sizes": meta["sizes"] = "100000-4-100000"; break;
                case "head": meta["head"] = "gaussian"; break;
                case "task": meta["task"] = "regress"; break;
                case "mean-shape": header["input.mean"]!["shape"] = new JsonArray(3, 2); break;
                case "sha256": meta["sha256.t10k-images-idx3-ubyte"] = "not a hash"; break;
                default: throw new ArgumentException(damage);
            }
        });
    }

    /// A tensor of the other float width is refused, not read as garbage or thrown past the reader.
    [Theory]
    [InlineData("layers.1.bias", "F64", "expected F32")]
    [InlineData("input.mean", "F32", "expected F64")]
    public void A_tensor_of_the_wrong_dtype_is_refused(string name, string dtype, string problem)
    {
        string valid = Path.Combine(TempDir.Create("ckpt"), Checkpoint.FileName), path = valid + ".changed";
        File.WriteAllBytes(valid, Valid());
        var file = Safetensors.Read(valid);
        var tensors = file.Names.Select(n => n != name
            ? (file.DType(n) == "F32" ? SafetensorsTensor.F32(n, file.Shape(n), file.Tensor(n)) : SafetensorsTensor.F64(n, file.Shape(n), file.TensorF64(n)))
            : dtype == "F64" ? SafetensorsTensor.F64(n, file.Shape(n), file.Tensor(n).Select(v => (double)v).ToArray())
            : SafetensorsTensor.F32(n, file.Shape(n), file.TensorF64(n).Select(v => (float)v).ToArray())).ToList();
        Safetensors.Write(path, tensors, file.Metadata);

        var e = Assert.Throws<BadInputException>(() => Checkpoint.Load(path));

        Assert.Contains(problem, e.Message);
        Assert.Contains(name, e.Message);
    }
}
