using SimdSfnn.IO.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

/// The classifier's weights as libtorch parameters, its G3 / deterministic criterion and its evaluations.
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

    /// -C_M, the minibatch mean of -log (1/M) sum_m P(y | h^m) (Raiko et al. 2014, eq. 6); G3 passes
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

    /// Copies `layers.{l}.weight` and `layers.{l}.bias` from an sfnn checkpoint; false if the file's net is another.
    public bool TryLoad(SafetensorsFile file)
    {
        string Weight(int l) => $"layers.{l}.weight";
        string Bias(int l) => $"layers.{l}.bias";
        for (int l = 0; l < weights.Length; l++)
            if (!file.Names.Contains(Weight(l)) || !file.Names.Contains(Bias(l))
                || !file.Shape(Weight(l)).Select(n => (long)n).SequenceEqual(weights[l].shape)
                || !file.Shape(Bias(l)).Select(n => (long)n).SequenceEqual(biases[l].shape))
                return false;
        using var _ = torch.no_grad();
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l].copy_(torch.tensor(file.Tensor(Weight(l))).view(weights[l].shape));
            biases[l].copy_(torch.tensor(file.Tensor(Bias(l))));
        }
        return true;
    }

    /// Test error of predicting argmax_y (1/M) sum_m P(y | h^m), and the mean C_M (Raiko et al. 2014,
    /// eq. 6), with M binary samples of every hidden layer; 100 examples (100 M rows) at a time.
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
