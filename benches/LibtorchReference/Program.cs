using System.Diagnostics;
using System.Text.Json;
using SimdSfnn.IO.Checkpoints;
using SimdSfnn.IO.Data;
using SimdSfnn.Nn.Training;
using TorchSharp;
using static TorchSharp.torch;

// The performance issue's libtorch baseline: the same 784-200-200-10 classifier and minibatch step
// as `sfnn train` (Gaussian input noise fresh per pixel, minibatch 100, momentum 0.9, Raiko et
// al.'s learning-rate ramps), G3 vectorised over the M samples the same way (the first layer
// computed once per example), timed per epoch so that it can be run beside `sfnn train`.
ReferenceOptions options;
Dataset mnist;
SafetensorsFile? checkpoint;
try
{
    options = ReferenceOptions.Parse(args);
    mnist = MnistFiles.Load(options.Data ?? MnistFiles.EnsureDownloaded(options.DataRoot, Console.Error.WriteLine));
    checkpoint = options.Checkpoint is null ? null : Safetensors.Read(options.Checkpoint);
}
catch (Exception e) when (e is ArgumentException or SimdSfnn.IO.BadInputException)
{
    Console.Error.WriteLine($"LibtorchReference: {e.Message}");
    return 2;
}
torch.set_num_threads(options.Threads);
torch.manual_seed(options.Seed);
if (options.Task == "gsn")
{
    GsnRun.Run(options, mnist);
    return 0;
}
var (trainX, trainY) = (Pixels(mnist.TrainImages), Labels(mnist.TrainLabels));
var (testX, testY) = (Pixels(mnist.TestImages), Labels(mnist.TestLabels));
// Raiko et al. 2014, section 3.1, as sfnn: the training mean of each pixel subtracted
using (var mean = trainX.mean([0])) { trainX.sub_(mean); testX.sub_(mean); }
var net = new Classifier([784, 200, 200, 10]);
if (checkpoint is not null)
{
    if (!net.TryLoad(checkpoint))
    {
        Console.Error.WriteLine($"LibtorchReference: {options.Checkpoint}: not a 784-200-200-10 sfnn checkpoint");
        return 2;
    }
    EvaluateCheckpoint(net, testX, testY, options);
    return 0;
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
            var x = trainX.index_select(0, rows).add_(torch.randn(batch, trainX.shape[1]).mul_(options.Noise));
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
return 0;

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
