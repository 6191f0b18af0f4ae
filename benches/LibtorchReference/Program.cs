using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SimdSfnn.Nn;
using SimdSfnn.Nn.Checkpoints;
using SimdSfnn.Nn.Data;
using TorchSharp;
using static TorchSharp.torch;

// The performance issue's libtorch baseline: the same 784-200-200-10 classifier and minibatch step
// as `sfnn train` (Gaussian input noise fresh per pixel, minibatch 100, momentum 0.9, Raiko et
// al.'s learning-rate ramps), G3 vectorised over the M samples the same way (the first layer
// computed once per example), timed per epoch so that it can be run beside `sfnn train`.
var options = ReferenceOptions.Parse(args);
torch.set_num_threads(options.Threads);
torch.manual_seed(options.Seed);
var mnist = MnistFiles.Load(options.Data);
var (trainX, trainY) = (Pixels(mnist.TrainImages), Labels(mnist.TrainLabels));
var (testX, testY) = (Pixels(mnist.TestImages), Labels(mnist.TestLabels));
// Raiko et al. 2014, section 3.1, as sfnn: the training mean of each pixel subtracted
using (var mean = trainX.mean([0])) { trainX.sub_(mean); testX.sub_(mean); }
var net = new Classifier([784, 200, 200, 10]);
if (options.Checkpoint is not null)
{
    net.Load(Safetensors.Read(options.Checkpoint));
    EvaluateCheckpoint(net, testX, testY, options);
    return;
}
var optimizer = torch.optim.SGD(net.Parameters, options.LearningRate, momentum: 0.9);
int examples = (int)trainX.shape[0], batch = 100, stepsPerEpoch = examples / batch;
var schedule = new LearningRateSchedule((float)options.LearningRate, options.Epochs, stepsPerEpoch);
var seconds = new List<double>();
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    double criterion = 0;
    using (var order = torch.randperm(examples))
        for (int step = 0; step < stepsPerEpoch; step++)
        {
            using var scope = torch.NewDisposeScope();
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = schedule.At((long)epoch * stepsPerEpoch + step);
            var rows = order.narrow(0, step * batch, batch);
            var x = trainX.index_select(0, rows).add_(torch.randn(batch, 784).mul_(options.Noise));
            var loss = net.Loss(x, trainY.index_select(0, rows), options.Samples, options.Estimator == "G3");
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            criterion -= loss.item<float>();
        }
    seconds.Add(clock.Elapsed.TotalSeconds);
    Console.Error.WriteLine($"epoch {epoch + 1}/{options.Epochs}  C_M {criterion / stepsPerEpoch:F4}  {seconds[^1]:F2} s");
}
double testError = net.TestError(testX, testY);
// the first epoch carries libtorch's and the JIT's warm-up; the others are the steady state
var steady = seconds.Skip(seconds.Count > 1 ? 1 : 0).Order().ToArray();
Console.WriteLine(JsonSerializer.Serialize(new
{
    reference = $"libtorch {torch.__version__}",
    estimator = options.Estimator, samples = options.Estimator == "G3" ? options.Samples : 1, threads = torch.get_num_threads(), epochs = options.Epochs,
    secondsPerEpoch = steady[steady.Length / 2], epochSeconds = seconds, testError,
}));

// The test set with M samples per example, as `sfnn eval` (the sampled pass timed alone), `rounds` times.
static void EvaluateCheckpoint(Classifier net, Tensor x, Tensor y, ReferenceOptions options)
{
    var seconds = new List<double>();
    (double error, double criterion) = (double.NaN, double.NaN);
    for (int round = 0; round < options.Rounds; round++)
    {
        var clock = Stopwatch.StartNew();
        (error, criterion) = net.Evaluate(x, y, options.EvalSamples);
        seconds.Add(clock.Elapsed.TotalSeconds);
        Console.Error.WriteLine($"round {round + 1}/{options.Rounds}  test error {error:P2}  C_{options.EvalSamples} {criterion:F4}  {seconds[^1]:F3} s");
    }
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        reference = $"libtorch {torch.__version__}", checkpoint = options.Checkpoint, threads = torch.get_num_threads(),
        testSamples = options.EvalSamples, testError = error, testLogLikelihood = criterion,
        evaluationSeconds = seconds.Order().ElementAt(seconds.Count / 2), roundSeconds = seconds,
    }));
}

static Tensor Pixels(IdxImages images) =>
    torch.tensor(images.Pixels.ToArray().Select(b => b / 255f).ToArray()).view(images.Count, images.Rows * images.Columns);
static Tensor Labels(byte[] labels) => torch.tensor(labels.Select(b => (long)b).ToArray());

sealed class Classifier
{
    readonly TorchSharp.Modules.Parameter[] weights, biases;

    public Classifier(int[] sizes)
    {
        int layers = sizes.Length - 1;
        (weights, biases) = (new TorchSharp.Modules.Parameter[layers], new TorchSharp.Modules.Parameter[layers]);
        for (int l = 0; l < layers; l++)
        {
            double bound = Math.Sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            weights[l] = torch.nn.Parameter(torch.rand(sizes[l + 1], sizes[l]) * (2 * bound) - bound);
            biases[l] = torch.nn.Parameter(torch.zeros(sizes[l + 1]));
        }
    }

    public IEnumerable<TorchSharp.Modules.Parameter> Parameters => weights.Concat(biases);

    /// -C_M, the minibatch mean of -log (1/M) sum_m P(y | h^m) (Raiko et al. 2014, eq. 5); G3 passes
    /// the signal through each binary sample with the sigmoid's slope (Raiko eq. 23), the
    /// deterministic net takes h = s and M = 1.
    public Tensor Loss(Tensor x, Tensor y, int samples, bool stochastic)
    {
        if (!stochastic) samples = 1;
        int batch = (int)x.shape[0];
        var h = torch.sigmoid(torch.nn.functional.linear(x, weights[0], biases[0]));
        if (samples > 1) h = h.unsqueeze(1).expand(batch, samples, h.shape[1]).reshape(batch * samples, h.shape[1]);
        for (int l = 1; l < weights.Length - 1; l++)
        {
            if (stochastic) h = StraightThrough(h);
            h = torch.sigmoid(torch.nn.functional.linear(h, weights[l], biases[l]));
        }
        if (stochastic) h = StraightThrough(h);
        var logits = torch.nn.functional.linear(h, weights[^1], biases[^1]);
        var labels = y.repeat_interleave(samples).unsqueeze(1);
        var logP = torch.nn.functional.log_softmax(logits, 1).gather(1, labels).view(batch, samples);
        return -(torch.logsumexp(logP, 1) - Math.Log(samples)).mean();
    }

    /// h = s + (b - s) with b ~ Bernoulli(s) held constant: forward the sample, backward the slope of s.
    static Tensor StraightThrough(Tensor s)
    {
        Tensor jump;
        using (torch.no_grad()) jump = torch.bernoulli(s) - s;
        return s + jump;
    }

    public void Load(SafetensorsFile file)
    {
        using var _ = torch.no_grad();
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l].copy_(torch.tensor(file.Tensor($"layers.{l}.weight")).view(weights[l].shape));
            biases[l].copy_(torch.tensor(file.Tensor($"layers.{l}.bias")));
        }
    }

    /// Test error of predicting argmax_y (1/M) sum_m P(y | h^m), and the mean C_M (Raiko et al. 2014,
    /// eq. 5), with M binary samples of every hidden layer; 100 examples (100 M rows) at a time.
    public (double Error, double Criterion) Evaluate(Tensor x, Tensor y, int samples)
    {
        using var _ = torch.no_grad();
        long count = x.shape[0], errors = 0;
        double criterion = 0;
        for (long start = 0; start < count; start += 100)
        {
            using var scope = torch.NewDisposeScope();
            long chunk = Math.Min(100, count - start);
            var h = torch.sigmoid(torch.nn.functional.linear(x.narrow(0, start, chunk), weights[0], biases[0]));
            h = torch.bernoulli(h.unsqueeze(1).expand(chunk, samples, h.shape[1]).reshape(chunk * samples, h.shape[1]));
            for (int l = 1; l < weights.Length - 1; l++) h = torch.bernoulli(torch.sigmoid(torch.nn.functional.linear(h, weights[l], biases[l])));
            var logP = torch.nn.functional.log_softmax(torch.nn.functional.linear(h, weights[^1], biases[^1]), 1).view(chunk, samples, -1);
            var labels = y.narrow(0, start, chunk);
            var logMean = torch.logsumexp(logP, 1) - Math.Log(samples);
            criterion += logMean.gather(1, labels.unsqueeze(1)).sum().item<float>();
            errors += logMean.argmax(1).ne(labels).sum().item<long>();
        }
        return (errors / (double)count, criterion / count);
    }

    /// Test error of the net with h = s.
    public double TestError(Tensor x, Tensor y)
    {
        using var _ = torch.no_grad();
        var h = x;
        for (int l = 0; l < weights.Length - 1; l++) h = torch.sigmoid(torch.nn.functional.linear(h, weights[l], biases[l]));
        var predicted = torch.nn.functional.linear(h, weights[^1], biases[^1]).argmax(1);
        return predicted.ne(y).sum().item<long>() / (double)y.shape[0];
    }
}

sealed record ReferenceOptions(string Estimator, int Samples, int Epochs, int Threads, double LearningRate, double Noise, long Seed, string Data,
                               string? Checkpoint, int EvalSamples, int Rounds)
{
    public static ReferenceOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--")) throw new ArgumentException($"expected an option, got {args[i]}");
            values[args[i][2..]] = args[i + 1];
        }
        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        string estimator = Get("estimator", "G3");
        if (estimator is not ("G3" or "deterministic")) throw new ArgumentException("--estimator: G3 or deterministic");
        var invariant = CultureInfo.InvariantCulture;
        return new ReferenceOptions(estimator, int.Parse(Get("samples", "20")), int.Parse(Get("epochs", "3")),
            int.Parse(Get("threads", Environment.ProcessorCount.ToString())),
            double.Parse(Get("lr", estimator == "G3" ? "1.0" : "0.3"), invariant), double.Parse(Get("noise", "0.4"), invariant),
            long.Parse(Get("seed", "1")), Get("data", "../../data/mnist"),
            values.GetValueOrDefault("checkpoint"), int.Parse(Get("eval-samples", "100")), int.Parse(Get("rounds", "5")));
    }
}
