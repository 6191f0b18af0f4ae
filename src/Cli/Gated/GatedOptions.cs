using SimdSfnn.Cli.Options;
using SimdSfnn.IO;
using SimdSfnn.Nn.Gated;

namespace SimdSfnn.Cli.Gated;

/// The options `train --task gated` and `bench --task gated` share: the gater and the net's sizes.
internal static class GatedOptions
{
    public static Gater Gater(ArgumentReader args)
    {
        string name = args.Text("gater", "st");
        return Nn.Gated.Gater.FromName(name)
            ?? throw new BadInputException($"option --gater: unknown gater '{name}' (expected {string.Join(", ", Nn.Gated.Gater.Names)})");
    }

    public static GatedShape Shape(ArgumentReader args, int inputs, int classes) =>
        new(inputs, args.Count("hidden", 400, 1, 100_000), args.Count("gates", 2000, 1, 100_000), classes);

    /// `--momentum` (0.5 for sts, where the paper found it helped; 0 otherwise), `--sparsity-weight`
    /// (the KL weight, 1; the noisy rectifier's starting L1 coefficient, 0.001), `--max-norm` 2,
    /// `--sts-target mean|nonzero` (what sts's KL holds at 0.1: `E[h]`, the spec's, or `P(h > 0)`).
    public static GatedSettings Settings(ArgumentReader args, Gater gater) => new()
    {
        Momentum = (float)args.Number("momentum", gater.Name == "sts" ? 0.5 : 0, 0, 1, minExclusive: false),
        SparsityWeight = (float)args.Number("sparsity-weight", gater.KlPenalty ? 1 : 0.001, 0, 1000),
        MaxNorm = (float)args.Number("max-norm", 2, 0, 1e6, minExclusive: true),
        KlOnNonzero = args.Text("sts-target", "mean") switch
        {
            "mean" => false,
            "nonzero" when gater.Name == "sts" => true,
            "nonzero" => throw new BadInputException($"option --sts-target nonzero is the sts gater's; it conflicts with --gater {gater.Name}"),
            var other => throw new BadInputException($"option --sts-target: unknown target '{other}' (expected mean, nonzero)"),
        },
    };
}
