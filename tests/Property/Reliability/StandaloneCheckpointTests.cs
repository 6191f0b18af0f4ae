using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SimdSfnn.Property.Cli;

namespace SimdSfnn.Property.Reliability;

/// A checkpoint alone holds everything its forward pass needs: an evaluation written from the
/// file format (no sfnn type is used to read or run it) gives `sfnn eval`'s numbers, and so does
/// the numpy script in docs/checkpoints.md.
public sealed partial class StandaloneCheckpointTests
{
    static readonly string Data = SyntheticIdx.Write(train: 300, test: 120, seed: 11);

    [Fact]
    public void An_evaluation_from_the_file_alone_matches_sfnn_eval_of_a_deterministic_net()
    {
        var run = new TrainRun(Data, "--estimator", "deterministic", "--samples", "1", "--epochs", "3");
        Assert.Equal(0, run.Run().ExitCode);
        var eval = Eval(run.CheckpointPath);

        var file = StandaloneFile.Read(run.CheckpointPath);
        var (error, logLikelihood, _) = file.Evaluate(Data, samples: 1, new Random(1));
        var uncentredFile = file with { Tensors = new(file.Tensors) { ["input.mean"] = new double[file.Tensors["input.mean"].Length] } };
        double uncentred = uncentredFile.Evaluate(Data, samples: 1, new Random(1)).LogLikelihood;

        Assert.Equal("sigmoid", file.Metadata["units"].Split(',').Distinct().Single());
        Assert.Equal(eval.GetProperty("testError").GetDouble(), error, 6);
        Assert.Equal(eval.GetProperty("testLogLikelihood").GetDouble(), logLikelihood, 5);
        // the stored mean matters: without it the same weights give another likelihood
        Assert.True(Math.Abs(uncentred - logLikelihood) > 1e-2, $"{uncentred} vs {logLikelihood}");
    }

    /// Both sides average M = 100 samples with their own random streams: their C_M estimate the
    /// same expectation, so they differ by sampling noise only, bounded here by 5 standard errors
    /// of the difference (fixed seeds: the outcome is the same on every run).
    [Fact]
    public void An_evaluation_from_the_file_alone_agrees_with_sfnn_eval_of_a_G3_net_within_sampling_noise()
    {
        var run = new TrainRun(Data, "--estimator", "G3", "--samples", "4", "--epochs", "3");
        Assert.Equal(0, run.Run().ExitCode);
        var eval = Eval(run.CheckpointPath);

        var (_, logLikelihood, perExample) = StandaloneFile.Read(run.CheckpointPath).Evaluate(Data, samples: 100, new Random(2));

        double variance = perExample.Select(c => (c - logLikelihood) * (c - logLikelihood)).Sum() / (perExample.Length - 1);
        double bound = 5 * Math.Sqrt(2 * variance / perExample.Length) + 1e-6;
        Assert.InRange(eval.GetProperty("testLogLikelihood").GetDouble(), logLikelihood - bound, logLikelihood + bound);
        Assert.Equal("bernoulli", StandaloneFile.Read(run.CheckpointPath).Metadata["units"].Split(',').Distinct().Single());
    }

    /// Needs a python3 with numpy (Debian's python3-numpy; `.ci/run` installs it); `./test` leaves
    /// this category out, saying so, on a machine without one.
    [Theory]
    [Trait("Category", "Python")]
    [InlineData("deterministic")]
    [InlineData("G3")]
    public void The_documented_numpy_script_gives_sfnn_evals_numbers(string estimator)
    {
        var run = new TrainRun(Data, "--estimator", estimator, "--samples", estimator == "G3" ? "4" : "1", "--epochs", "3");
        Assert.Equal(0, run.Run().ExitCode);
        var eval = Eval(run.CheckpointPath);
        string script = Path.Combine(TempDir.Create("py"), "evaluate.py");
        File.WriteAllText(script, ReadmeScript());

        var python = Process.Start(new ProcessStartInfo(PythonWithNumpy(), [script, run.CheckpointPath, Data]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string stdout = python.StandardOutput.ReadToEnd(), stderr = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"python3 {script}: exit {python.ExitCode}\n{stderr}");
        var result = JsonDocument.Parse(stdout).RootElement;

        double expected = eval.GetProperty("testLogLikelihood").GetDouble(), actual = result.GetProperty("testLogLikelihood").GetDouble();
        if (estimator == "deterministic")
        {
            Assert.Equal(eval.GetProperty("testError").GetDouble(), result.GetProperty("testError").GetDouble(), 6);
            Assert.Equal(expected, actual, 5);
        }
        else
        {
            // sampling noise of two M = 100 estimates, bounded as above from this side's spread
            var (_, _, perExample) = StandaloneFile.Read(run.CheckpointPath).Evaluate(Data, samples: 100, new Random(3));
            double mean = perExample.Average();
            double se = Math.Sqrt(2 * perExample.Select(c => (c - mean) * (c - mean)).Sum() / (perExample.Length - 1) / perExample.Length);
            Assert.InRange(actual, expected - 5 * se - 1e-6, expected + 5 * se + 1e-6);
        }
    }

    /// `$SFNN_PYTHON`, else the first of python3 on the PATH and Debian's /usr/bin/python3 that imports numpy.
    static string PythonWithNumpy()
    {
        string[] candidates = Environment.GetEnvironmentVariable("SFNN_PYTHON") is { Length: > 0 } chosen ? [chosen] : ["python3", "/usr/bin/python3"];
        foreach (var candidate in candidates)
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import numpy"]) { RedirectStandardError = true })!;
                probe.StandardError.ReadToEnd();
                probe.WaitForExit();
                if (probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { } // not installed
        }
        throw new Xunit.Sdk.XunitException($"no python3 with numpy among {string.Join(", ", candidates)}: install Debian's python3-numpy or set SFNN_PYTHON");
    }

    [Fact]
    public void Eval_refuses_a_checkpoint_without_an_input_mean_off_MNIST_in_one_line()
    {
        var run = new TrainRun(Data, "--epochs", "1");
        Assert.Equal(0, run.Run().ExitCode);
        var old = SimdSfnn.Cli.Training.Checkpoint.Load(run.CheckpointPath);
        var stripped = Path.Combine(TempDir.Create("old"), "checkpoint.safetensors");
        new SimdSfnn.Cli.Training.Checkpoint(old.Settings, old.Theta, old.Velocity, old.EpochsDone) { EstimatorState = old.EstimatorState }.Save(stripped);

        var eval = Sfnn.Run("eval", stripped, "--data", Data, "--threads", "1");

        Assert.Equal(2, eval.ExitCode);
        Assert.Contains("no 'input.mean'", Assert.Single(eval.StderrLines));
        Assert.Empty(eval.Stdout);
    }

    [Fact]
    public void Eval_centres_with_the_stored_mean_whatever_training_images_data_holds_and_notes_other_test_files()
    {
        var run = new TrainRun(Data, "--estimator", "deterministic", "--samples", "1", "--epochs", "2");
        Assert.Equal(0, run.Run().ExitCode);
        string otherTraining = SyntheticIdx.Write(train: 30, test: 5, seed: 12);
        foreach (var name in new[] { SyntheticIdx.TestImages, SyntheticIdx.TestLabels })
            File.Copy(Path.Combine(Data, name), Path.Combine(otherTraining, name), overwrite: true);
        string otherTest = SyntheticIdx.Write(train: 30, test: 50, seed: 13);

        var same = Sfnn.Run("eval", run.CheckpointPath, "--data", Data, "--threads", "1");
        var retrained = Sfnn.Run("eval", run.CheckpointPath, "--data", otherTraining, "--threads", "1");
        var elsewhere = Sfnn.Run("eval", run.CheckpointPath, "--data", otherTest, "--threads", "1");

        Assert.True(same.ExitCode == 0 && retrained.ExitCode == 0 && elsewhere.ExitCode == 0, elsewhere.ToString());
        Assert.DoesNotContain("note:", same.Stderr + retrained.Stderr);
        // a mean recomputed from the other 30 training images would change the likelihood
        Assert.Equal(JsonDocument.Parse(same.Stdout).RootElement.GetProperty("testLogLikelihood").GetDouble(),
                     JsonDocument.Parse(retrained.Stdout).RootElement.GetProperty("testLogLikelihood").GetDouble());
        Assert.Contains("note: these test files are not the ones", elsewhere.Stderr);
    }

    static JsonElement Eval(string checkpoint)
    {
        var eval = Sfnn.Run("eval", checkpoint, "--data", Data, "--threads", "1");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        return JsonDocument.Parse(eval.Stdout).RootElement.Clone();
    }

    /// The ```python block after docs/checkpoints.md's `<!-- evaluate.py -->` marker.
    static string ReadmeScript()
    {
        var match = ReadmeBlock().Match(File.ReadAllText(Repository.Path("docs", "checkpoints.md")));
        Assert.True(match.Success, "docs/checkpoints.md has no ```python block after <!-- evaluate.py -->");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"<!-- evaluate\.py -->\s*```python\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeBlock();
}

/// A checkpoint read straight from the safetensors layout, and the classifier it describes run
/// in double precision from the metadata's `units`; nothing of sfnn's is used.
sealed record StandaloneFile(Dictionary<string, string> Metadata, Dictionary<string, Array> Tensors)
{
    public static StandaloneFile Read(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadInt64LittleEndian(raw);
        using var header = JsonDocument.Parse(raw.AsMemory(8, n));
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Array>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            long begin = entry.Value.GetProperty("data_offsets")[0].GetInt64(), end = entry.Value.GetProperty("data_offsets")[1].GetInt64();
            var bytes = raw.AsSpan(8 + n + (int)begin, (int)(end - begin));
            tensors[entry.Name] = entry.Value.GetProperty("dtype").GetString() switch
            {
                "F32" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
                "F64" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray(),
                var other => throw new InvalidDataException(other),
            };
        }
        return new StandaloneFile(metadata, tensors);
    }

    /// Test error of `argmax_y mean_m P(y | h^m)`, mean C_M and C_M per example, with `samples`
    /// draws of every `bernoulli` layer (one pass of `h = s` where no layer samples).
    public (double Error, double LogLikelihood, double[] PerExample) Evaluate(string dataDir, int samples, Random random)
    {
        Assert.Equal("softmax", Metadata["head"]);
        Assert.Equal("x = pixel / 255 - input.mean", Metadata["inputTransform"]);
        var units = Metadata["units"].Split(',');
        var mean = (double[])Tensors["input.mean"];
        byte[] images = File.ReadAllBytes(Path.Combine(dataDir, SyntheticIdx.TestImages)), labels = File.ReadAllBytes(Path.Combine(dataDir, SyntheticIdx.TestLabels));
        int N = BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(4)), D = mean.Length;
        int M = units.Contains("bernoulli") ? samples : 1;
        int wrong = 0;
        var perExample = new double[N];
        for (int i = 0; i < N; i++)
        {
            var x = new double[D];
            for (int j = 0; j < D; j++) x[j] = (float)(images[16 + i * D + j] / 255.0 - mean[j]);
            double[]? p = null;
            var logP = new double[M];
            for (int m = 0; m < M; m++)
            {
                var h = x;
                for (int l = 0; l < units.Length; l++)
                {
                    var s = Affine(l, h).Select(a => 1 / (1 + Math.Exp(-a))).ToArray();
                    h = units[l] == "bernoulli" ? s.Select(v => random.NextDouble() < v ? 1.0 : 0.0).ToArray() : s;
                }
                var o = Affine(units.Length, h);
                double max = o.Max(), logZ = max + Math.Log(o.Sum(v => Math.Exp(v - max)));
                p ??= new double[o.Length];
                for (int k = 0; k < o.Length; k++) p[k] += Math.Exp(o[k] - logZ) / M;
                logP[m] = o[labels[8 + i]] - logZ;
            }
            double top = logP.Max();
            perExample[i] = top + Math.Log(logP.Sum(v => Math.Exp(v - top)) / M);
            if (Array.IndexOf(p!, p!.Max()) != labels[8 + i]) wrong++;
        }
        return ((double)wrong / N, perExample.Average(), perExample);
    }

    /// `W_l h + b_l`, with `W_l` (n_{l+1}, n_l) row-major.
    double[] Affine(int l, double[] h)
    {
        var W = (float[])Tensors[$"layers.{l}.weight"];
        var b = (float[])Tensors[$"layers.{l}.bias"];
        var a = new double[b.Length];
        for (int r = 0; r < b.Length; r++)
        {
            double sum = b[r];
            for (int c = 0; c < h.Length; c++) sum += W[r * h.Length + c] * h[c];
            a[r] = sum;
        }
        return a;
    }
}
