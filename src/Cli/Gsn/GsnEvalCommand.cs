using System.CommandLine;
using SimdSfnn.Cli.Commands;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.IO.Data;

namespace SimdSfnn.Cli.Gsn;

/// `sfnn eval CHECKPOINT` on a GSN checkpoint: the whole measurement of docs/spec/gsn.md
/// (Bengio et al. 2014, Table 1) in one command. The chain `sfnn sample` draws (`--steps N`
/// from test digit `--digits I`), kept in memory, then the Parzen log-likelihood of the test
/// images under its samples that `sfnn parzen` computes, sigma chosen on the held-out images.
/// Progress on stderr; one JSON line on stdout with the keys of `sfnn parzen`'s line, so the
/// numbers are those of `sample` followed by `parzen` on the same checkpoint and seed.
internal static class GsnEvalCommand
{
    public static int Run(ParseResult r, string path)
    {
        ArgumentNullException.ThrowIfNull(r);
        var checkpoint = GsnCheckpoint.Load(path);
        int steps = GsnChainSamples.Steps(r);
        ulong seed = r.GetValue(SfnnOptions.Seed) ?? checkpoint.Settings.Seed;
        string digits = r.GetValue(SfnnOptions.Digits) ?? "0";
        var (sigma, limit) = ParzenCommand.ScoringOptions(r);
        int threads = CommonOptions.ThreadCount(r);
        var progress = Progress.ForStandardError();
        var dataset = CommonOptions.LoadData(r, progress);

        var test = dataset.TestImages;
        GsnChainSamples.CheckFits(checkpoint, test, path);
        int digit = GsnChainSamples.StartDigit(digits, test.Count);
        if (!checkpoint.DataSha256.SequenceEqual(dataset.Sha256()))
            progress.Message("note: these data files are not the ones the GSN was trained on (their SHA-256 differ from the checkpoint's)");
        progress.Message($"eval gsn {checkpoint.Theta.Shape} after {checkpoint.EpochsDone} epochs: a chain of {steps} samples, then their Parzen log-likelihood");
        var (samples, chainSeconds) = GsnChainSamples.Draw(checkpoint, test, digit, steps, seed, progress);

        int n0 = checkpoint.Theta.Shape.Visible;
        var o = ParzenCommand.Evaluate(new FloatRows(steps, n0, samples), ParzenCommand.HeldOutImages(dataset), "--data",
                                       ParzenCommand.TestImages(dataset), sigma, limit, threads, progress, $"a chain of {path}");
        o.Insert(0, "task", "gsn");
        o.Insert(1, "sizes", checkpoint.Theta.Shape.ToString());
        o.Insert(2, "epochsDone", checkpoint.EpochsDone);
        o.Insert(3, "digit", digit);
        o.Insert(4, "seed", seed);
        o["chainSeconds"] = Math.Round(chainSeconds, 3); // `seconds` is the Parzen estimate's alone, as in parzen's line
        o["checkpoint"] = path;
        Console.WriteLine(JsonLine.Write(o));
        return 0;
    }
}
