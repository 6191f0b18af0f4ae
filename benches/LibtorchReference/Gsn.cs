using TorchSharp;
using static TorchSharp.torch;

/// The GSN-2 walkback step of docs/spec/gsn.md, as `sfnn train --task gsn` takes it (src/Nn/Gsn),
/// written the way a PyTorch user would: autograd over the unrolled chain, batched ops.
/// 784-1500-1500, tied weights (the downward map is `W_k^T`), tanh units, the Gaussian noises
/// (std 2 before and after tanh) on h_2 only, salt-and-pepper 0.4 on the visible state entering
/// each step, that state resampled from `p_t` by Bernoulli draws with no gradient through it,
/// 4 walkback steps, the loss the sum over steps of the per-pixel-mean cross-entropy against the
/// clean x (mean over the minibatch), and the averaged momentum `m = mu m + (1 - mu) g`, `theta -= lr m`.
sealed class Gsn
{
    readonly TorchSharp.Modules.Parameter w1, w2, b0, b1, b2; // W_1 (1500, 784), W_2 (1500, 1500), b_0 (784), b_1, b_2 (1500)
    readonly TorchSharp.Modules.Parameter[] parameters;
    readonly Tensor[] velocity;
    readonly int walkback;
    readonly double hiddenNoise, inputNoise;

    public Gsn(int[] sizes, int walkback = 4, double hiddenNoise = 2, double inputNoise = 0.4)
    {
        (this.walkback, this.hiddenNoise, this.inputNoise) = (walkback, hiddenNoise, inputNoise);
        TorchSharp.Modules.Parameter Uniform(int rows, int columns)
        {
            double bound = Math.Sqrt(6.0 / (rows + columns));
            return torch.nn.Parameter(torch.rand(rows, columns) * (2 * bound) - bound);
        }
        (w1, w2) = (Uniform(sizes[1], sizes[0]), Uniform(sizes[2], sizes[1]));
        (b0, b1, b2) = (torch.nn.Parameter(torch.zeros(sizes[0])), torch.nn.Parameter(torch.zeros(sizes[1])), torch.nn.Parameter(torch.zeros(sizes[2])));
        parameters = [w1, w2, b0, b1, b2];
        velocity = parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// Each pixel kept with probability 1 - p, else a fair 0/1 coin.
    Tensor SaltAndPepper(Tensor x)
    {
        var corrupt = torch.rand_like(x) < inputNoise;
        var coin = (torch.rand_like(x) < 0.5).to_type(ScalarType.Float32);
        return torch.where(corrupt, coin, x);
    }

    /// `tanh(a + eta_in) + eta_out`, the noises N(0, 2^2).
    Tensor NoisyTanh(Tensor a) =>
        torch.tanh(a + torch.randn_like(a) * hiddenNoise) + torch.randn_like(a) * hiddenNoise;

    /// The walkback loss of a minibatch of clean images x (B, 784): sum over the steps t of
    /// `mean_b mean_pixels BCE(p_t, x)`. Step t: `h_1 = tanh(W_1 v_t + W_2^T h_2 + b_1)` (h_2 of
    /// step t - 1; 0 at t = 1, so its product is skipped), `p_t = sigmoid(W_1^T h_1 + b_0)`, then
    /// (t < T) `h_2 = noisy tanh(W_2 h_1 + b_2)` and `v_{t+1} = salt-and-pepper(Bernoulli(p_t))`.
    public Tensor Loss(Tensor x)
    {
        var v = SaltAndPepper(x);
        Tensor? h2 = null;
        Tensor loss = torch.zeros(1);
        for (int t = 1; t <= walkback; t++)
        {
            var a1 = torch.nn.functional.linear(v, w1, b1);
            if (h2 is not null) a1 = a1 + torch.mm(h2, w2);
            var h1 = torch.tanh(a1);
            var o = torch.addmm(b0, h1, w1, beta: 1, alpha: 1);
            loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(o, x);
            if (t == walkback) break;
            h2 = NoisyTanh(torch.nn.functional.linear(h1, w2, b2));
            using (torch.no_grad()) v = SaltAndPepper(torch.bernoulli(torch.sigmoid(o)));
        }
        return loss;
    }

    /// One minibatch: the loss's gradient by autograd, then `m = mu m + (1 - mu) g`, `theta -= lr m`.
    public float Step(Tensor x, double learningRate, double momentum = 0.5)
    {
        foreach (var p in parameters) p.grad = null; // as optimizer.zero_grad() does by default
        var loss = Loss(x);
        loss.backward();
        using (torch.no_grad())
            for (int i = 0; i < velocity.Length; i++)
            {
                velocity[i].mul_(momentum).add_(parameters[i].grad!, alpha: 1 - momentum);
                parameters[i].add_(velocity[i], alpha: -learningRate);
            }
        return loss.item<float>();
    }
}
