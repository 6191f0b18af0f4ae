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
        var monteCarlo = spec.Draws is long draws ? Draw(spec, draws) : null;

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
        AddMonteCarlo(o, net, monteCarlo);
        return JsonLine.Write(o);
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
        AddMonteCarlo(o, net, spec.Draws is long draws ? Draw(spec, draws) : null);
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
    static MonteCarloMoments Draw(LabSpec spec, long draws)
    {
        var net = spec.Network;
        var estimator = LabEstimator(spec.Estimator, net.Shape, spec.C, spec.Baseline);
        var x = net.X.Select(v => (float)v).ToArray();
        var target = net.Target.Select(v => (float)v).ToArray();
        return new GradientDraws(net.Shape, estimator, spec.Samples).Run(net.ToParameters(), x, net.Label, target, draws, spec.Seed);
    }

    /// The estimator as the lab runs it: G1 with the fixed baseline, G5 with the given `c`.
    public static IGradientEstimator LabEstimator(EstimatorKind kind, NetworkShape shape, double? c, double baseline) => kind switch
    {
        EstimatorKind.G1 => new G1LikelihoodRatio(shape.Sizes[1..^1], adaptive: false, (float)baseline),
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

    static JsonArray Numbers(ReadOnlySpan<double> values)
    {
        var array = new JsonArray();
        foreach (double v in values) array.Add(v);
        return array;
    }
}
