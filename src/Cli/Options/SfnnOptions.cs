using System.CommandLine;
using SimdSfnn.Estimators;
using SimdSfnn.Nn.Gated;
using SimdSfnn.Nn.Units;
using static SimdSfnn.Cli.Options.OptionKinds;

namespace SimdSfnn.Cli.Options;

/// Every option of `sfnn`, each defined once: its name, value, meaning, default and the values
/// it may take. `CommandTree` says which commands (and which form of each) take which;
/// `--help`, the shell's completions and README's option table all come from here (a test
/// holds README to it). An option that several commands take is one object in each of them.
internal static class SfnnOptions
{
    // --- the network and its training (train, and bench's timed step) ---

    public static readonly Option<string?> Task = Choice("--task", ["classify", "structured", "gsn", "gated"],
        "the benchmark; `gsn`: the GSN, with the options marked GSN below; `gated`: the conditional-computation classifier, with those marked gated", "classify");

    public static readonly Option<string?> Estimator = Choice("--estimator", EstimatorRegistry.Names,
        "gradient estimator (`learned`: Bengio's learned correction, a per-layer regression of G1 on straight-through signals fit during training; docs/units.md)", "G3", StringComparer.OrdinalIgnoreCase);

    public static readonly Option<int?> Samples = Count("--samples", "M", "samples per example in training (`eval`: at test time)",
        "train 20 (deterministic 1), eval 100", 1, 100_000);

    public static readonly Option<int[]?> Layers = Widths("--layers", "200,200", "hidden layer widths, any number of layers", "200,200 (GSN 1500,1500)");

    public static readonly Option<string?> Units = WithCompletions(Text("--units", "bernoulli,noisy-relu",
        "each hidden layer's unit kind (one name for all): `bernoulli` (the estimator's), `noisy-relu` `max(0, a + z)`, `sts` `b sqrt(p)`, `sigmoid`, " +
        "`tanh-noise` `tanh(a + eta) + eta'` (the GSN's unit, noise std 0.5); all but `bernoulli` back-propagate themselves (docs/units.md)", "bernoulli"), HiddenUnits.Names);

    public static readonly Option<int?> Epochs = Count("--epochs", "N", "epochs (`reproduce`: of every run)",
        "50 classify, 100 structured and GSN, 20 gated (reinforce 100); reproduce --quick 2", 1, 100_000);

    public static readonly Option<double?> LearningRate = Number("--lr", "X", "maximum learning rate of the schedule (GSN: the first epoch's; gated: the SGD's)",
        "per estimator, see docs/results.md; GSN 0.25, gated 0.3 (noisy-relu and relu 0.2)", 0, 100, minExclusive: true);

    public static readonly Option<int?> Batch = Count("--batch", "B", "minibatch size", "100 (gated 32)", 1, 1_000_000);

    public static readonly Option<ulong?> Seed = OptionKinds.Seed("--seed", "S", "seed of every random stream", "1 (eval, sample: the checkpoint's)");

    public static readonly Option<int?> Threads = Count("--threads", "T", "worker threads", "all cores", 1, 1024);

    public static readonly Option<string?> Data = Text("--data", "DIR", "directory with the four IDX files (plain or `.gz`)", "fetched MNIST");

    public static readonly Option<string?> Out = Text("--out", "DIR",
        "train: checkpoint, `log.jsonl`, pictures; eval: `curve.csv`, `curve.png`; sample: the PNG (`.png`); lab: the report's pictures; reproduce: `runs.jsonl` and the tables",
        "train `runs/<task>-<estimator>-M<M>-<time>`; eval, sample beside the checkpoint; lab `runs/lab-report`; reproduce `runs/reproduce`");

    public static readonly Option<bool> Resume = Flag("--resume",
        "continue the run in `--out` from its checkpoint (bit for bit the same result with the same thread count)");

    public static readonly Option<int?> StopAfter = Count("--stop-after", "N", "stop with a checkpoint after epoch N (the schedule still spans `--epochs`)", "off", 1);

    public static readonly Option<double?> Noise = Number("--noise", "X", "std of the Gaussian input noise, fresh per pixel per epoch", "0.4 classify, 0 structured", 0, 100);

    public static readonly Option<double?> C = Number("--c", "X", "G5's constant `c`", "`1/M`", -1e6, 1e6);

    public static readonly Option<int?> EvalSamples = Count("--eval-samples", "M", "test-time samples of the final evaluation", "100", 1, 100_000);

    public static readonly Option<int?> MonitorSamples = Count("--monitor-samples", "M", "samples of the per-epoch look at the test set", "10", 1, 100_000);

    public static readonly Option<int?> TrainLimit = Count("--train-limit", "N", "train on the first N examples only", "all", 0);

    public static readonly Option<int?> HoldOut = Count("--hold-out", "N",
        "keep the last N of those out of training; the summary adds their error and `C_M` (`heldOutError`, `heldOutLogLikelihood`)", "0", 0);

    public static readonly Option<double?> FiringRate = Number("--firing-rate", "R",
        "firing-rate bias control of the `noisy-relu` and `sts` layers: a unit whose moving-average rate of being non-zero is below R has its bias raised; " +
        "`firing-rates.png` shows the rates per epoch", "off", 0, 0.999, minExclusive: true);

    public static readonly Option<double?> FiringStep = Number("--firing-step", "X", "bias change per step per unit of rate error", "0.5", 0, 100, minExclusive: true);

    public static readonly Option<bool> FiringTwoSided = Flag("--firing-two-sided", "also lower the biases of units above R");

    // --- the GSN (train --task gsn, bench --task gsn) ---

    public static readonly Option<int?> Walkback = Count("--walkback", "N", "GSN: steps of the unrolled chain, each a reconstruction in the loss", "2 x hidden layers", 1, 1000);

    public static readonly Option<double?> HiddenNoise = Number("--hidden-noise", "X", "GSN: std of the Gaussian noise before and after tanh on hidden layers 2..K", "2", 0, 100);

    public static readonly Option<double?> InputNoise = Number("--input-noise", "X", "GSN: salt-and-pepper rate of the visible state entering each step", "0.4", 0, 1);

    public static readonly Option<double?> Decay = Number("--decay", "X", "GSN, gated: learning rate multiplied by X after each epoch (gated: 1 is the paper's constant rate)", "GSN 0.99, gated 0.85 (sts 1, reinforce 0.97)", 0, 1, minExclusive: true);

    public static readonly Option<int?> HeldOutLimit = Count("--held-out-limit", "N", "GSN: held-out examples scored each epoch", "10000", 0);

    // --- the gated classifier (train --task gated, bench --task gated) ---

    public static readonly Option<string?> Gater = Choice("--gater", Nn.Gated.Gater.Names,
        "gated: the gates' unit kind (st: sigmoid-Bernoulli, straight-through without the slope; reinforce: sigmoid-Bernoulli, " +
        "the unbiased estimator with its optimal baseline; relu, sigmoid, noisy-sigmoid: the paper's baselines; docs/gated.md)", "st");

    public static readonly Option<double?> Momentum = Number("--momentum", "X", "gated: momentum of the SGD", "0.5", 0, 1);

    public static readonly Option<double?> SparsityWeight = Number("--sparsity-weight", "X",
        "gated: weight of the KL(0.1 || mean E[h]) penalty (st, sts), or the starting L1 coefficient (noisy-relu)", "0.01, 0.001", 0, 1000);

    public static readonly Option<double?> MaxNorm = Number("--max-norm", "X", "gated: the largest norm of each unit's incoming weights", "2", 0, 1e6, minExclusive: true);

    public static readonly Option<double?> GaterLearningRate = Number("--gater-lr", "X",
        "gated: the gater path's learning rate (W1, b1, W2, b2), decayed with --lr's", "--lr's; reinforce 0.01", 0, 100, minExclusive: true);

    public static readonly Option<string?> TestGates = Choice("--test-gates", ["mean", "binary"],
        "gated: the test-time value of a gate above the threshold, its `E[h | a]` or 1", "mean; reinforce binary");

    public static readonly Option<double?> WeightDecay = Number("--weight-decay", "X",
        "gated: the L2 penalty X/2 |w|^2 on every weight (each step shrinks the weights by 1 - lr X)", "0", 0, 100);

    public static readonly Option<string?> StsTarget = Choice("--sts-target", ["mean", "nonzero"],
        "gated, sts: what its KL penalty holds at 0.1, the mean activation `E[h] = p` (the spec's; about 32% of the gates then are non-zero) " +
        "or the fraction non-zero `P(h > 0) = sqrt(p)`", "mean");

    public static readonly Option<int?> Hidden = Count("--hidden", "N", "gated: tanh units of the gater", "400", 1, 100_000);

    public static readonly Option<int?> Gates = Count("--gates", "N", "gated: gates (and experts)", "2000", 1, 100_000);

    // --- bench ---

    public static readonly Option<int?> TestRows = Count("--test-rows", "N",
        "bench, gated: rows of the test-time forward (1: one example at a time, the latency a served net sees)", "64, what a worker evaluates at once", 1, 10_000);

    public static readonly Option<int?> Steps = Count("--steps", "N", "timed steps per round", "100 (GSN 20, gated 50)", 1, 1_000_000);

    public static readonly Option<int?> Rounds = Count("--rounds", "R", "timed rounds (the median is reported)", "5", 1, 1000);

    public static readonly Option<int?> EpochSize = Count("--epoch-size", "N", "examples per epoch in the seconds-per-epoch figure", "60000 (GSN 50000)", 1);

    public static readonly Option<bool> Phases = Flag("--phases", "also the time of each phase of the pass (forward, sampling, products, estimator)");

    public static readonly Option<double?> GatesOn = Number("--gates-on", "F", "gated: the fraction of each row's gates forced on", "0.1", 0, 1, minExclusive: true);

    // --- eval and sample ---

    public static readonly Option<bool> Curve = Flag("--curve", "also `curve.csv` and `curve.png`, `C_M` for M = 1..samples");

    public static readonly Option<int?> ChainSteps = Count("--steps", "N",
        "GSN: consecutive samples of the chain, started from test digit `--digits I` (`eval` scores them)", "10000", 1, 1_000_000);

    public static readonly Option<string?> Digits = Text("--digits", "0,5,9",
        "the test digits to complete; GSN: the one test digit the chain starts from (`--inpaint`: a chain per digit)", "the first ten; GSN 0");

    public static readonly Option<int?> Ambiguous = Count("--ambiguous", "N",
        "instead of `--digits`, the N test digits among the first `--search` whose completions disagree most", "off", 0, 100);

    public static readonly Option<int?> Search = Count("--search", "S", "test digits `--ambiguous` looks among", "1000", 1);

    public static readonly Option<int?> Completions = Count("--completions", "K", "completions per digit", "10", 1, 100);

    public static readonly Option<bool> Inpaint = Flag("--inpaint",
        "GSN: instead, per `--digits` test digit a chain with the right half clamped and the left from uniform noise; " +
        "a PNG row of the start and ten samples, one every steps / 10");

    // --- parzen (and eval of a GSN) ---

    public static readonly Option<double?> Sigma = Number("--sigma", "X", "the window's width, instead of the best of `logspace(-1, 0, 10)` on the held-out images",
        "chosen", 0, double.MaxValue, minExclusive: true);

    public static readonly Option<int?> TrainingImages = Count("--training-images", "N", "the window on the first N training images, no sample file", "off", 1);

    public static readonly Option<string?> Validation = Text("--validation", "FILE", "IDX file of the held-out images that choose sigma",
        "last sixth of the training set (MNIST: train[50000:60000])");

    public static readonly Option<int?> Limit = Count("--limit", "N", "score only the first N held-out and N test images", "all", 1);

    // --- lab and reproduce ---

    public static readonly Option<bool> Report = Flag("--report", "the whole report instead of one `SPEC.json`");

    public static readonly Option<int?> Seeds = Count("--seeds", "N", "seeds of each cell's final runs", "3 (`--quick`: 1)", 1, 1000);

    public static readonly Option<bool> Quick = Flag("--quick",
        "a shortened protocol to try the pipeline: 2 epochs, hidden layers 16,16, learning rates 0.03 and 0.3, M = 10 at test time");

    public static readonly Option<string?> Emit = Choice("--emit", ["parallel", "slurm"],
        "instead of training, print the runs that can start now: one shell command per line (GNU parallel), or a Slurm job-array script", "off");

    public static readonly Option<string?> Run = Text("--run", "ID", "train only the run ID (a line of `--emit`) into `--out`", "all runs");

    public static readonly Option<bool> Merge = Flag("--merge", "join the `runs.jsonl` of the folders given as arguments into `--out`'s and write the tables");

    static Option<string?> WithCompletions(Option<string?> option, IReadOnlyList<string> names)
    {
        option.CompletionSources.Add([.. names]);
        return option;
    }
}
