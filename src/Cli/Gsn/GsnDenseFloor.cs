using SimdSfnn.Nn.Gsn;

namespace SimdSfnn.Cli.Gsn;

/// The dense matrix products a walkback step cannot do without, in FLOPs (`sfnn bench --task
/// gsn`'s floor, as `DenseFloor` is the classifier's): the products `GsnChain` runs. Per step t of
/// T, the odd layers from their neighbours (none from the zero start at t = 1 but `W_1 x`), the
/// reconstruction `W_1^T h_1`, and the even hidden layers from the odd ones (not at t = T, whose
/// even layers feed no reconstruction). Backward, each of those products costs twice over (its
/// weight gradient and its input gradient), except that no gradient flows into the visible
/// state, so `W_1 x` has only its weight gradient. Noise, tanh, sigmoid and sampling are left out.
static class GsnDenseFloor
{
    public static double FlopsPerStep(GsnShape shape, int walkback, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int K = shape.HiddenLayers;
        double Edge(int k) => (double)shape.WeightCount(k); // one product with W_k or W_k^T, per example
        double forward = 0;
        for (int t = 1; t <= walkback; t++)
        {
            bool fromStart = t == 1;
            for (int k = 1; k <= K; k += 2)
            {
                if (k == 1 || !fromStart) forward += Edge(k);
                if (k < K && !fromStart) forward += Edge(k + 1);
            }
            forward += Edge(1);
            if (t == walkback) continue;
            for (int k = 2; k <= K; k += 2) forward += Edge(k) + (k < K ? Edge(k + 1) : 0);
        }
        double multiplyAdds = 3 * forward - walkback * Edge(1);
        return 2.0 * batch * multiplyAdds;
    }
}
