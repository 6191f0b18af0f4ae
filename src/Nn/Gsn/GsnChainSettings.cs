namespace SimdSfnn.Nn.Gsn;

/// The noise and length of the walkback chain (docs/spec/gsn.md, "Model" and "The unrolled chain").
///   Walkback      steps of the unrolled chain, each a reconstruction in the loss (the paper: 2K)
///   HiddenNoise   std of the Gaussian noise added before and after tanh on hidden layers 2..K
///   InputNoise    salt-and-pepper rate of the visible state entering each step
public sealed record GsnChainSettings(int Walkback = 4, float HiddenNoise = 2f, float InputNoise = 0.4f)
{
    /// Whether hidden layer `k` (1-based) has the Gaussian noises: every one but the first
    /// (the authors' code's `noiseless_h1`).
    public bool Noisy(int k) => k >= 2 && HiddenNoise > 0;
}
