using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using SimdSfnn.Cli.Commands;
using SimdSfnn.Cli.Lab;
using SimdSfnn.Cli.Reproduce;
using static SimdSfnn.Cli.Options.SfnnOptions;

namespace SimdSfnn.Cli.Options;

/// The commands of `sfnn`, their arguments, and the options each form of each command takes
/// (the options themselves are defined in `SfnnOptions`). Parsing, `--help` and the shell's
/// completions all read this one tree.
internal static class CommandTree
{
    // --- the forms: which options each takes, in the order help and README list them ---

    public static readonly CommandForm TrainClassifier = new("train --task classify|structured",
        [SfnnOptions.Task, Estimator, Samples, Layers, Units, Epochs, LearningRate, Batch, Seed, Threads, Data, Out, Resume, StopAfter,
         Noise, C, EvalSamples, MonitorSamples, TrainLimit, HoldOut, FiringRate, FiringStep, FiringTwoSided]);

    public static readonly CommandForm TrainGsn = new("train --task gsn",
        [SfnnOptions.Task, Layers, Walkback, HiddenNoise, InputNoise, Decay, HeldOutLimit, Epochs, LearningRate, Batch, Seed, Threads, TrainLimit,
         Data, Out, Resume, StopAfter]);

    public static readonly CommandForm TrainGated = new("train --task gated",
        [SfnnOptions.Task, Gater, Momentum, SparsityWeight, MaxNorm, WeightDecay, GaterLearningRate, TestGates, StsTarget, Hidden, Gates, LearningRate, Decay, Epochs, Batch, Seed, Threads,
         TrainLimit, Data, Out]);

    public static readonly CommandForm EvalClassifier = new("eval of a classify or structured checkpoint", [Samples, Curve, Out, Data, Threads, Seed]);

    public static readonly CommandForm EvalGsn = new("eval of a GSN checkpoint", [ChainSteps, Digits, Seed, Sigma, Limit, Threads, Data]);

    public static readonly CommandForm SampleStructured = new("sample of a structured checkpoint", [Digits, Ambiguous, Search, Completions, Seed, Out, Data]);

    public static readonly CommandForm SampleGsn = new("sample of a GSN checkpoint", [ChainSteps, Inpaint, Digits, Seed, Out, Data]);

    public static readonly CommandForm Parzen = new("parzen", [TrainingImages, Sigma, Limit, Validation, Threads, Data]);

    public static readonly CommandForm LabSpec = new("lab SPEC.json", []);

    public static readonly CommandForm LabReport = new("lab --report", [Report, Out]);

    public static readonly CommandForm ReproduceTables = new("reproduce TABLE", [Out, Quick, Epochs, Seeds, Threads, Emit, Run, Data]);

    public static readonly CommandForm ReproduceMerge = new("reproduce --merge", [Merge, Out]);

    public static readonly CommandForm BenchClassifier = new("bench --task classify|structured",
        [SfnnOptions.Task, Estimator, Samples, Layers, Units, Batch, Threads, Steps, Rounds, EpochSize, Phases]);

    public static readonly CommandForm BenchGsn = new("bench --task gsn",
        [SfnnOptions.Task, Layers, Walkback, HiddenNoise, InputNoise, LearningRate, Batch, Threads, Steps, Rounds, EpochSize]);

    public static readonly CommandForm BenchGated = new("bench --task gated", [SfnnOptions.Task, Gater, GatesOn, Batch, TestRows, Hidden, Gates, Threads, Steps, Rounds]);

    // --- the arguments ---

    public static readonly Argument<string> EvalCheckpoint = new("CHECKPOINT") { Description = "a run's checkpoint.safetensors (classify, structured or GSN)" };

    public static readonly Argument<string> SampleCheckpoint = new("CHECKPOINT") { Description = "a structured or GSN run's checkpoint.safetensors" };

    public static readonly Argument<string?> ParzenSamples = new("SAMPLES")
    {
        Description = "IDX file of the samples (bytes scaled to [0, 1], or floats); none with --training-images", Arity = ArgumentArity.ZeroOrOne,
    };

    public static readonly Argument<string?> Spec = new("SPEC.json") { Description = "the tiny network and estimator (docs/spec/estimators.md); none with --report", Arity = ArgumentArity.ZeroOrOne };

    public static readonly Argument<string[]> ReproduceWords = new("TABLE|DIR")
    {
        Description = "table1, table2 or all; with --merge, the folders whose runs.jsonl to join", Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Argument<string> Shell = new("SHELL") { Description = "the shell: bash" };

    // no `@file` arguments (a path may start with @) and no bundled single-letter options
    static readonly ParserConfiguration Parsing = new() { EnablePosixBundling = false, ResponseFileTokenReplacer = null };

    /// The whole command line: every command with its arguments, options and action.
    public static RootCommand Root { get; } = Build();

    public static ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, Parsing);

    /// Whether the line asks for completions (`[suggest:N]`, from `sfnn completions bash`'s script).
    public static bool Suggests(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Root.Directives.OfType<SuggestDirective>().Any(d => result.GetResult(d) is not null);
    }

    static RootCommand Build()
    {
        var root = new RootCommand("SimdSfnn: stochastic feedforward networks, GSNs and gated classifiers on the CPU, and the estimators of their gradients");
        root.Options.Clear(); // no --version; --help as sfnn has always had it
        root.Options.Add(new HelpOption("--help", "-h"));
        root.Subcommands.Add(Define("train", "train; with no options the paper's G3, M = 20 MNIST classifier", [TrainClassifier, TrainGsn, TrainGated], [], TrainCommand.Run));
        root.Subcommands.Add(Define("eval", "test-set error and C_M of a checkpoint; of a GSN checkpoint, sample's chain scored as parzen scores it",
                                     [EvalClassifier, EvalGsn], [EvalCheckpoint], EvalCommand.Run));
        root.Subcommands.Add(Define("sample", "completions of test digits (structured), or a GSN's sampling chain", [SampleStructured, SampleGsn],
                                     [SampleCheckpoint], SampleCommand.Run));
        root.Subcommands.Add(Define("parzen", "Parzen log-likelihood of the test images under the rows of an IDX file, sigma chosen on held-out images",
                                     [Parzen], [ParzenSamples], ParzenCommand.Run));
        root.Subcommands.Add(Define("lab", "exact (and Monte-Carlo) moments of an estimator on a tiny network; --report: the whole bias/variance report",
                                     [LabSpec, LabReport], [Spec], LabCommand.Run));
        root.Subcommands.Add(Define("reproduce", "every cell of Raiko et al.'s Tables 1 and 2, swept, retrained over seeds and tested (docs/reproduce.md)",
                                     [ReproduceTables, ReproduceMerge], [ReproduceWords], ReproduceCommand.Run));
        root.Subcommands.Add(Define("bench", "time the training step on synthetic data", [BenchClassifier, BenchGsn, BenchGated], [], BenchCommand.Run));
        root.Subcommands.Add(Define("completions", "a script that completes sfnn's commands and options: source <(sfnn completions bash)", [], [Shell],
                                     CompletionsCommand.Run));
        return root;
    }

    /// A command taking the options of all `forms`; when they differ, its description lists
    /// which form takes which, so that `--help` says it without a hand-kept usage string.
    static Command Define(string name, string purpose, CommandForm[] forms, Argument[] arguments, Func<ParseResult, int> run)
    {
        var options = forms.SelectMany(f => f.Options).Distinct().ToList();
        var description = purpose;
        if (forms.Length > 1)
        {
            var shared = options.Where(o => forms.All(f => f.Options.Contains(o))).ToList();
            description += (shared.Count == 0 ? "\nIts forms take:" : $"\nEvery form takes {Names(shared)}; besides those:") +
                           string.Concat(forms.Select(f => $"\n  {f.Name}: {Names(f.Options.Where(o => !shared.Contains(o)))}"));
        }
        var command = new Command(name, description);
        foreach (var argument in arguments) command.Arguments.Add(argument);
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(run);
        return command;
    }

    static string Names(IEnumerable<Option> options) => options.Any() ? string.Join(' ', options.Select(o => o.Name)) : "no option";
}
