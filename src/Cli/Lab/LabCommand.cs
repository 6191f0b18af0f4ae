using System.CommandLine;
using System.Text.Json.Nodes;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Output;
using SimdSfnn.Estimators;
using SimdSfnn.Estimators.Exact;
using SimdSfnn.IO;
using SimdSfnn.Nn.Estimation;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Lab;

/// `sfnn lab SPEC.json`: exact (and, with `draws`, Monte-Carlo) moments of one estimator on a
/// tiny network, as one JSON object on stdout. `sfnn lab --report [--out DIR]`: the bias and
/// variance report of every estimator on a fixed set of tiny networks.
internal static class LabCommand
{
    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string? spec = r.GetValue(CommandTree.Spec);
        if (r.GetValue(SfnnOptions.Report))
        {
            CommandTree.LabReport.RefuseOthers(r);
            if (spec is not null) throw new BadInputException($"unexpected argument '{spec}'");
            LabReport.Write(Console.Out, r.GetValue(SfnnOptions.Out) ?? Path.Combine("runs", "lab-report"));
            return 0;
        }
        CommandTree.LabSpec.RefuseOthers(r);
        if (spec is null) throw new BadInputException("usage: sfnn lab SPEC.json | sfnn lab --report [--out DIR]");
        Console.WriteLine(Evaluate(LabSpec.Load(spec)));
        return 0;
    }

    /// The output object of spec/estimators.md for `spec`, as JSON text.
    public static string Evaluate(LabSpec spec)
    {
        if (spec.Sts) return EvaluateSts(spec);
        var net = spec.Network;
        var exact = ExactEnumeration.Compute(net, spec.Samples, spec.C, spec.Baseline);
        var monteCarlo = spec.Draws is long draws ? Draw(spec, exact, draws) : null;

        var o = new JsonObject
        {
            ["estimator"] = EstimatorRegistry.Name(spec.Estimator),
            ["samples"] = spec.Samples,
            ["objective"] = exact.Objective,
            ["logLikelihood"] = exact.LogLikelihood,
            ["expected"] = Tensors(net, exact.Expected(spec.Estimator)),
            ["variance"] = Tensors(net, exact.Variance(spec.Estimator)),
            ["gradLogLikelihood"] = Tensors(net, exact.GradLogLikelihood),
            ["gradObjective"] = Tensors(net, exact.GradObjective),
        };
        if (spec.Estimator == EstimatorKind.Learned) o["coefficients"] = Coefficients(spec, exact);
        AddMonteCarlo(o, net, monteCarlo);
        return JsonLine.Write(o);
    }

    /// Steps and draws per step of the learned correction's online fit in the lab.
    internal const int OnlineSteps = 1000, OnlineBatch = 100;

    /// The learned correction's coefficients per hidden layer: the exact least-squares fit that
    /// `expected` and `variance` describe, and those training's online fit reaches on this example
    /// in `OnlineSteps` steps of `OnlineBatch` draws (seeded by `seed`), with the moments they give.
    static JsonObject Coefficients(LabSpec spec, ExactMoments exact)
    {
        var net = spec.Network;
        var x = net.X.Select(v => (float)v).ToArray();
        var target = net.Target.Select(v => (float)v).ToArray();
        var online = OnlineCorrectionFit.Run(net.Shape, net.ToParameters(), x, net.Label, target, spec.Samples, OnlineSteps, OnlineBatch, spec.Seed);
        var onlineCoefficients = online.Select(c => c.Select(v => (double)v).ToArray()).ToArray();
        var (onlineMean, onlineVariance) = LearnedCorrectionEnumeration.Moments(net, spec.Samples, exact.BengioBaseline, LearnedCorrection.Features, onlineCoefficients);
        var layers = new JsonArray();
        for (int l = 0; l < net.HiddenLayers; l++)
            layers.Add(new JsonObject { ["exact"] = Numbers(exact.Learned.Coefficients[l]), ["online"] = Numbers(onlineCoefficients[l]) });
        var features = new JsonArray();
        foreach (var feature in LearnedCorrection.Features) features.Add(CorrectionFeatures.Name(feature));
        return new JsonObject
        {
            ["features"] = features,
            ["layers"] = layers,
            ["baseline"] = Numbers(exact.BengioBaseline),
            ["onlineSteps"] = OnlineSteps,
            ["onlineBatch"] = OnlineBatch,
            ["onlineExpected"] = Tensors(net, onlineMean),
            ["onlineVariance"] = Tensors(net, onlineVariance),
        };
    }

    /// The same object for STS units (StsEnumeration): the estimator is their pathwise
    /// back-propagation, and `bias` = `expected - gradObjective` is the score term it leaves out.
    static string EvaluateSts(LabSpec spec)
    {
        var net = spec.Network;
        var exact = StsEnumeration.Compute(net, spec.Samples);
        var o = new JsonObject
        {
            ["estimator"] = "pathwise",
            ["units"] = "sts",
            ["samples"] = spec.Samples,
            ["objective"] = exact.Objective,
            ["logLikelihood"] = exact.LogLikelihood,
            ["expected"] = Tensors(net, exact.Expected),
            ["variance"] = Tensors(net, exact.Variance),
            ["bias"] = Tensors(net, exact.Expected.Select((e, i) => e - exact.GradObjective[i]).ToArray()),
            ["gradLogLikelihood"] = Tensors(net, exact.GradLogLikelihood),
            ["gradObjective"] = Tensors(net, exact.GradObjective),
        };
        AddMonteCarlo(o, net, spec.Draws is long draws ? Draw(spec, null, draws) : null);
        return JsonLine.Write(o);
    }

    static void AddMonteCarlo(JsonObject o, ExactNetwork net, MonteCarloMoments? monteCarlo)
    {
        if (monteCarlo is null) return;
        o["monteCarlo"] = new JsonObject
        {
            ["draws"] = monteCarlo.Draws,
            ["mean"] = Tensors(net, monteCarlo.Mean),
            ["variance"] = Tensors(net, monteCarlo.Variance),
        };
    }

    /// The engine's fast path, `draws` times (fact 7 of spec/estimators.md).
    static MonteCarloMoments Draw(LabSpec spec, ExactMoments? exact, long draws)
    {
        var net = spec.Network;
        var estimator = LabEstimator(spec.Estimator, net.Shape, spec.C, spec.Baseline, exact);
        var x = net.X.Select(v => (float)v).ToArray();
        var target = net.Target.Select(v => (float)v).ToArray();
        return new GradientDraws(net.Shape, estimator, spec.Samples).Run(net.ToParameters(), x, net.Label, target, draws, spec.Seed);
    }

    /// The estimator as the lab runs it: G1 with the fixed baseline, G5 with the given `c`, the
    /// learned correction with the coefficients of `exact`'s fit.
    public static IGradientEstimator LabEstimator(EstimatorKind kind, NetworkShape shape, double? c, double baseline, ExactMoments? exact = null) => kind switch
    {
        EstimatorKind.G1 => new G1LikelihoodRatio(shape.Sizes[1..^1], adaptive: false, (float)baseline),
        EstimatorKind.Learned => new LearnedCorrection(shape.Sizes[1..^1],
            (exact ?? throw new ArgumentNullException(nameof(exact), "the learned correction's coefficients come from the exact fit")).Learned.Coefficients),
        _ => EstimatorRegistry.Create(kind, shape.Sizes[1..^1], (float?)c),
    };

    /// `{"weights": [[...], ...], "biases": [[...], ...]}` from a vector in the layout of `Parameters`.
    static JsonObject Tensors(ExactNetwork net, double[] values)
    {
        var shape = net.Shape;
        var weights = new JsonArray();
        var biases = new JsonArray();
        for (int l = 0; l < shape.LayerCount; l++)
        {
            weights.Add(Numbers(values.AsSpan(net.WeightOffset(l), shape.WeightCount(l))));
            biases.Add(Numbers(values.AsSpan(net.BiasOffset(l), shape.Sizes[l + 1])));
        }
        return new JsonObject { ["weights"] = weights, ["biases"] = biases };
    }

    static JsonArray Numbers(double[] values) => Numbers(values.AsSpan());

    static JsonArray Numbers(ReadOnlySpan<double> values)
    {
        var array = new JsonArray();
        foreach (double v in values) array.Add(v);
        return array;
    }
}
