namespace SimdSfnn.Cli.Gated;

/// The usages of `train --task gated` and `bench --task gated`, appended to `CommandHelp`'s.
internal static class GatedHelp
{
    public const string Train = "sfnn train --task gated [--gater st|noisy-relu|sts] [--lr X] [--epochs N] [--batch B] [--momentum X] " +
                                "[--sparsity-weight X] [--max-norm X] [--sts-target mean|nonzero] [--hidden N] [--gates N] [--seed S] [--threads T] [--train-limit N] [--data DIR] [--out DIR]";

    public const string Bench = "sfnn bench --task gated [--gates-on F] [--gater st|noisy-relu|sts] [--batch B] [--hidden N] [--gates N] [--steps N] [--rounds R]";
}
