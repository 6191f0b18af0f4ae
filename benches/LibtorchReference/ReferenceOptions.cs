using System.Globalization;

/// `--name value` pairs, with sfnn's defaults: `--data DIR` holds the four IDX files, and without
/// it MNIST is fetched into `--data-root`'s `mnist` as sfnn fetches it. An unknown name, a missing
/// value or a bad number is an ArgumentException naming the option. `--task gsn` is the GSN-2
/// walkback step (Gsn.cs): `--rounds R` rounds of `--steps N` timed steps, or with `--epochs N`
/// whole epochs of train[0:50000].
sealed record ReferenceOptions(string Task, string Estimator, int Samples, int Epochs, bool EpochsGiven, int Threads, double LearningRate, double Noise, long Seed,
                               string? Data, string DataRoot, string? Checkpoint, int EvalSamples, int Rounds, int Steps, int Batch)
{
    static readonly string[] Names = ["task", "estimator", "samples", "epochs", "threads", "lr", "noise", "seed", "data", "data-root", "checkpoint", "eval-samples", "rounds",
                                      "steps", "batch"];

    public static ReferenceOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i += 2)
        {
            string name = args[i].StartsWith("--") ? args[i][2..] : "";
            if (!Names.Contains(name)) throw new ArgumentException($"unknown option '{args[i]}' (options: --{string.Join(", --", Names)})");
            if (i + 1 == args.Length) throw new ArgumentException($"{args[i]} needs a value");
            values[name] = args[i + 1];
        }
        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        int Count(string name, int fallback)
        {
            int n = Number(name, fallback, text => int.Parse(text, CultureInfo.InvariantCulture));
            return n >= 1 ? n : throw new ArgumentException($"--{name}: must be at least 1");
        }
        double Real(string name, double fallback) => Number(name, fallback, text => double.Parse(text, CultureInfo.InvariantCulture));
        T Number<T>(string name, T fallback, Func<string, T> parse)
        {
            if (!values.TryGetValue(name, out var text)) return fallback;
            try { return parse(text); }
            catch (Exception e) when (e is FormatException or OverflowException) { throw new ArgumentException($"--{name}: '{text}' is not a number"); }
        }
        string task = Get("task", "classify");
        if (task is not ("classify" or "gsn")) throw new ArgumentException($"--task: '{task}', expected classify or gsn");
        string estimator = Get("estimator", "G3");
        if (estimator is not ("G3" or "deterministic")) throw new ArgumentException($"--estimator: '{estimator}', expected G3 or deterministic");
        double lr = task == "gsn" ? 0.25 : estimator == "G3" ? 1.0 : 0.3;
        return new ReferenceOptions(task, estimator, Count("samples", 20), Count("epochs", 3), values.ContainsKey("epochs"), Count("threads", Environment.ProcessorCount),
            Real("lr", lr), Real("noise", 0.4), Number("seed", 1L, text => long.Parse(text, CultureInfo.InvariantCulture)),
            values.GetValueOrDefault("data"), Get("data-root", "../../data"), values.GetValueOrDefault("checkpoint"), Count("eval-samples", 100), Count("rounds", 5),
            Count("steps", 20), Count("batch", 100));
    }
}
