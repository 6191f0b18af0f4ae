namespace SimdSfnn.Cli.Options;

/// `sfnn COMMAND --help`: each command's usage on stdout, exit code 0. Checked before a command
/// parses its options, so `--help` never reads as an option wanting a value.
internal static class CommandHelp
{
    public const string Overview = "usage: sfnn train|eval CHECKPOINT|sample CHECKPOINT|parzen SAMPLES|lab SPEC.json|bench|reproduce TABLE [options]; sfnn COMMAND --help; see README.md";

    const string Common = "[--task classify|structured|gsn] [--estimator G1|G2|G3|G4|G5|deterministic] [--samples M] [--layers 200,200] " +
                          "[--units bernoulli|noisy-relu|sts|sigmoid[,...]] " +
                          "[--epochs N] [--lr X] [--batch B] [--seed S] [--threads T]";

    static readonly Dictionary<string, string> Commands = new()
    {
        ["train"] = $"usage: sfnn train {Common} [--data DIR] [--out DIR] [--resume] [--stop-after N] [--noise X] [--c X] " +
                    "[--eval-samples M] [--monitor-samples M] [--train-limit N] [--hold-out N] [--firing-rate R [--firing-step X] [--firing-two-sided]]; " +
                    "sfnn train --task gsn [--layers 1500,1500] [--walkback N] [--hidden-noise X] [--input-noise X] [--decay X] [--lr X] " +
                    "[--batch B] [--epochs N] [--seed S] [--threads T] [--train-limit N] [--held-out-limit N] [--data DIR] [--out DIR] [--resume] [--stop-after N]; " +
                    Gated.GatedHelp.Train,
        ["eval"] = "usage: sfnn eval CHECKPOINT [--samples M] [--curve] [--out DIR] [--data DIR] [--threads T] [--seed S]; " +
                   "of a GSN checkpoint: sfnn eval CHECKPOINT [--steps N] [--digits I] [--seed S] [--sigma X] [--limit N] [--threads T] [--data DIR]",
        ["sample"] = "usage: sfnn sample CHECKPOINT [--digits 0,1,2 | --ambiguous N [--search N]] [--completions K] [--out FILE.png] [--seed S] [--data DIR]; " +
                     "of a GSN checkpoint: sfnn sample CHECKPOINT [--steps N] [--digits I | --inpaint [--digits 0,1,2]] [--out FILE.png] [--seed S] [--data DIR]",
        ["parzen"] = "usage: sfnn parzen SAMPLES | sfnn parzen --training-images N; [--sigma X] [--validation FILE] [--limit N] [--data DIR] [--threads T]",
        ["lab"] = "usage: sfnn lab SPEC.json | sfnn lab --report [--out DIR]",
        ["reproduce"] = "usage: sfnn reproduce table1|table2|all [--out DIR] [--data DIR] [--seeds N] [--epochs N] [--quick] [--threads T] " +
                        "[--emit parallel|slurm | --run ID] | sfnn reproduce --merge DIR... [--out DIR]",
        ["bench"] = $"usage: sfnn bench {Common} [--steps N] [--rounds R] [--epoch-size N] [--phases]; " +
                    "sfnn bench --task gsn [--layers 1500,1500] [--walkback N] [--hidden-noise X] [--input-noise X] [--lr X] [--batch B] " +
                    "[--threads T] [--steps N] [--rounds R] [--epoch-size N]; " + Gated.GatedHelp.Bench,
    };

    /// True when `args` (a command's arguments) ask for help.
    public static bool Wanted(IReadOnlyList<string> args) => args.Contains("--help") || args.Contains("-h");

    public static int Print(string command)
    {
        Console.WriteLine(Commands.TryGetValue(command, out var usage) ? usage : Overview);
        return 0;
    }
}
