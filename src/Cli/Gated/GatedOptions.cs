using System.CommandLine;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Nn.Gated;

namespace SimdSfnn.Cli.Gated;

/// What `train --task gated` and `bench --task gated` build alike from their options: the gater and the net's sizes.
internal static class GatedOptions
{
    /// `--gater` (the option accepts only `Gater.Names`).
    public static Gater Gater(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Nn.Gated.Gater.FromName(r.GetValue(SfnnOptions.Gater) ?? "st")!;
    }

    public static GatedShape Shape(ParseResult r, int inputs, int classes)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(inputs, r.GetValue(SfnnOptions.Hidden) ?? 400, r.GetValue(SfnnOptions.Gates) ?? 2000, classes);
    }

    /// `--epochs`: 20, but 100 for reinforce, whose gater learns slowly from its noisy signal: its
    /// held-out error after 20, 60 and 100 epochs (decay 0.85, 0.95, 0.97) is 3.2%, 2.2% and 1.9%.
    public static int Epochs(ParseResult r, Gater gater)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(gater);
        return r.GetValue(SfnnOptions.Epochs) ?? (gater.LikelihoodRatio ? 100 : 20);
    }

    /// `--lr` and `--decay`, each picked per gater on the held-out error after 20 epochs
    /// (docs/gated.md): lr 0.3, noisy-relu 0.2 (the paper's 0.1 was the worst of the grid for every
    /// gater); the rate times 0.85 after each epoch, where at the paper's constant rate (`--decay
    /// 1`) st's and noisy-relu's held-out errors swing by half a point from epoch to epoch; sts
    /// keeps the constant rate: it still underfits after 20 epochs, and a falling rate leaves it worse;
    /// reinforce falls by 0.97 over its 100 epochs. relu's rate is noisy-relu's, the sigmoid gaters' st's.
    public static EpochDecaySchedule Schedule(ParseResult r, Gater gater)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(gater);
        return new(r.GetValue(SfnnOptions.LearningRate) ?? (gater.Name is "noisy-relu" or "relu" ? 0.2 : 0.3),
                   r.GetValue(SfnnOptions.Decay) ?? (gater.Name == "sts" ? 1 : gater.LikelihoodRatio ? 0.97 : 0.85));
    }

    /// `--test-gates`: whether the gates above the test-time threshold are 1 rather than `E[h | a]`
    /// (the log has the held-out error under both): `E[h | a]` but for reinforce, whose gates stay
    /// uncertain (`sigmoid(a)` near 0.25 at the threshold) and whose held-out error is a point lower at 1.
    public static bool BinaryTestGates(ParseResult r, Gater gater)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(gater);
        return (r.GetValue(SfnnOptions.TestGates) ?? (gater.LikelihoodRatio ? "binary" : "mean")) == "binary";
    }

    /// reinforce's gater path learns at 0.01 (the rest at `--lr`): at the shared rate its noisy signal
    /// saturates the gates within the first epoch, at 0.001 (the paper's) they stay random (docs/gated.md).
    const double ReinforceGaterRate = 0.01;

    /// `--momentum` (0.5: the paper found it helped sts; it helps st as much and noisy-relu no less),
    /// `--sparsity-weight` (the KL weight, 0.01: at 1 the penalty on the sum over 2000 gates
    /// outweighs the cross-entropy and holds every gate near p = 0.1 on every input, docs/gated.md;
    /// the noisy rectifier's starting L1 coefficient, 0.001), `--max-norm` 2, `--weight-decay` 0, `--gater-lr` (the gater path's rate; `--lr`'s),
    /// `--sts-target mean|nonzero` (what sts's KL holds at 0.1: `E[h]`, the spec's, or `P(h > 0)`).
    public static GatedSettings Settings(ParseResult r, Gater gater)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(gater);
        bool nonzero = r.GetValue(SfnnOptions.StsTarget) == "nonzero";
        if (nonzero && gater.Name != "sts")
            throw new BadInputException($"option --sts-target nonzero is the sts gater's; it conflicts with --gater {gater.Name}");
        return new()
        {
            Momentum = (float)(r.GetValue(SfnnOptions.Momentum) ?? 0.5),
            SparsityWeight = (float)(r.GetValue(SfnnOptions.SparsityWeight) ?? (gater.KlPenalty ? 0.01 : 0.001)),
            MaxNorm = (float)(r.GetValue(SfnnOptions.MaxNorm) ?? 2),
            WeightDecay = (float)(r.GetValue(SfnnOptions.WeightDecay) ?? 0),
            GaterRateScale = (float)((r.GetValue(SfnnOptions.GaterLearningRate) ?? (gater.LikelihoodRatio ? ReinforceGaterRate : null)) is { } gaterRate
                ? gaterRate / Schedule(r, gater).Initial : 1),
            KlOnNonzero = nonzero,
        };
    }
}
