using FsCheck;
using FsCheck.Fluent;
using System.Runtime.Intrinsics;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Tensors;

/// Every elementwise kernel against its scalar Reference on all lengths 0..257 (around the
/// 16-lane width), on random FsCheck lengths and offsets, and in place, under every ISA.
[Collection(nameof(KernelIsaCollection))]
public sealed class ElementwiseProperties
{
    public static TheoryData<Isa> Isas => IsaVariants.Supported();

    static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double relative, double absolute = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= absolute + relative * Math.Abs(expected[i]),
                        $"index {i} of {actual.Length}: {actual[i]} vs reference {expected[i]}");
    }

    /// A reduction over `n` elements: relative 1e-5, absolute 1e-5 near zero.
    static void CloseSum(float actual, float reference, int n) =>
        Assert.True(Math.Abs(actual - reference) <= 1e-5 * Math.Max(1, Math.Abs(reference)), $"n={n}: {actual} vs {reference}");

    /// Lengths 0..257 and then random (length, offset) pairs from FsCheck.
    static void ForLengths(Action<int, int> check)
    {
        for (int n = 0; n <= 257; n++) check(n, 0);
        Prop.ForAll(Gen.Choose(0, 3000).Zip(Gen.Choose(0, 17)).ToArbitrary(), t => { check(t.Item1, t.Item2); return true; })
            .Check(Seeded.Config(100, 11UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void Sigmoid_matches_reference_and_in_place(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var a = RandomValues.Uniform(n + offset, n, 30);
            var fast = new float[n + offset]; var reference = new float[n + offset];
            Sigmoid.Compute(a.AsSpan(offset), fast.AsSpan(offset));
            Sigmoid.Reference(a.AsSpan(offset), reference.AsSpan(offset));
            Close(fast, reference, 1e-6, 1e-7);
            Sigmoid.Compute(a.AsSpan(offset), a.AsSpan(offset));
            Close(a.AsSpan(offset), reference.AsSpan(offset), 1e-6, 1e-7);
        });
    }

    [Fact]
    public void FastExp_is_within_two_ulp_of_exp_and_its_reference_bit_for_bit_at_every_width()
    {
        // every 1/64 across the range, the ends and beyond, and random points
        var random = new Random(17);
        var xs = Enumerable.Range(-87 * 64, 175 * 64 + 1).Select(i => i / 64f)
            .Concat([-1e30f, -200f, -87.5f, -87f, 88f, 88.5f, 200f, 1e30f, 0f, -0f, 1e-30f])
            .Concat(Enumerable.Range(0, 20_000).Select(_ => (float)(random.NextDouble() * 175 - 87)))
            .ToArray();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            var fast = FastExp.Invoke(Vector512.Create(xs.AsSpan(i, 16)));
            var half = FastExp.Invoke(Vector256.Create(xs.AsSpan(i, 8)));
            var quarter = FastExp.Invoke(Vector128.Create(xs.AsSpan(i, 4)));
            for (int lane = 0; lane < 16; lane++)
            {
                float x = xs[i + lane], reference = FastExp.Reference(x);
                Assert.Equal(reference, fast.GetElement(lane));
                if (lane < 8) Assert.Equal(reference, half.GetElement(lane));
                if (lane < 4) Assert.Equal(reference, quarter.GetElement(lane));
                double exact = Math.Exp(Math.Clamp(x, -87, 88));
                double ulp = MathF.BitIncrement((float)exact) - (float)exact;
                Assert.True(Math.Abs(reference - exact) <= 2 * ulp, $"exp({x}): {reference} vs {exact}");
            }
        }
    }

    [Fact]
    public void BoxMuller_is_within_a_few_ulp_of_double_math_and_its_reference_bit_for_bit_at_every_width()
    {
        // uniforms are multiples of 2^-24 in [0, 1): every 1/4096, the ends, the quadrant
        // boundaries and their neighbours, and random points
        const float Step = 1f / (1 << 24);
        var random = new Random(19);
        var special = new[] { 0f, Step, 0.125f, 0.125f - Step, 0.25f, 0.25f - Step, 0.25f + Step, 0.5f, 0.5f - Step, 0.75f, 0.75f + Step, 0.875f + Step, 1f - Step };
        var u = Enumerable.Range(0, 4096).Select(i => i / 4096f).Concat(special)
            .Concat(Enumerable.Range(0, 20_000).Select(_ => random.Next(1 << 24) * Step)).ToArray();
        var v = u.Select((_, i) => u[(i * 7919 + 13) % u.Length]).ToArray(); // u2 paired with another u1
        for (int i = 0; i + 16 <= u.Length; i += 16)
        {
            var (r, cos, sin) = BoxMuller.Invoke(Vector512.Create(u.AsSpan(i, 16)), Vector512.Create(v.AsSpan(i, 16)));
            var half = BoxMuller.Invoke(Vector256.Create(u.AsSpan(i, 8)), Vector256.Create(v.AsSpan(i, 8)));
            var quarter = BoxMuller.Invoke(Vector128.Create(u.AsSpan(i, 4)), Vector128.Create(v.AsSpan(i, 4)));
            for (int lane = 0; lane < 16; lane++)
            {
                float u1 = u[i + lane], u2 = v[i + lane];
                var reference = BoxMuller.Reference(u1, u2);
                Assert.Equal(reference, (r.GetElement(lane), cos.GetElement(lane), sin.GetElement(lane)));
                if (lane < 8) Assert.Equal(reference, (half.R.GetElement(lane), half.Cos.GetElement(lane), half.Sin.GetElement(lane)));
                if (lane < 4) Assert.Equal(reference, (quarter.R.GetElement(lane), quarter.Cos.GetElement(lane), quarter.Sin.GetElement(lane)));
                double exactR = Math.Sqrt(-2 * Math.Log(1 - (double)u1));
                double theta = 2 * Math.PI * u2;
                Assert.True(Math.Abs(reference.R - exactR) <= 4 * Ulp(exactR), $"r({u1}): {reference.R} vs {exactR}");
                // near a zero of cos or sin an absolute bound: a few ulp of 1
                Assert.True(Math.Abs(reference.Cos - Math.Cos(theta)) <= 3e-7, $"cos(2 pi {u2}): {reference.Cos} vs {Math.Cos(theta)}");
                Assert.True(Math.Abs(reference.Sin - Math.Sin(theta)) <= 3e-7, $"sin(2 pi {u2}): {reference.Sin} vs {Math.Sin(theta)}");
            }
        }

        static double Ulp(double x) => MathF.BitIncrement((float)x) - (float)x;
    }

    [Theory, MemberData(nameof(Isas))]
    public void MomentumUpdate_matches_reference_bit_for_bit_and_flags_overflow(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var theta = RandomValues.Uniform(n + offset, n, 2); var velocity = RandomValues.Uniform(n + offset, n + 1, 0.1); var g = RandomValues.Uniform(n + offset, n + 2, 1);
            var thetaR = (float[])theta.Clone(); var velocityR = (float[])velocity.Clone();
            bool finite = MomentumUpdate.Apply(theta.AsSpan(offset), velocity.AsSpan(offset), g.AsSpan(offset), 0.9f, 0.3f, out bool gradientFinite);
            bool finiteR = MomentumUpdate.Reference(thetaR.AsSpan(offset), velocityR.AsSpan(offset), g.AsSpan(offset), 0.9f, 0.3f, out bool gradientFiniteR);
            Assert.Equal(thetaR, theta);
            Assert.Equal(velocityR, velocity);
            Assert.True(finite && finiteR && gradientFinite && gradientFiniteR);
            if (n == 0) return;
            // one overflowing weight, anywhere (vector body or scalar tail), is reported, and a
            // finite gradient as finite
            int at = offset + n * 7 / 11;
            theta[at] = thetaR[at] = 3e38f;
            g[at] = 3e38f;
            Assert.False(MomentumUpdate.Apply(theta.AsSpan(offset), velocity.AsSpan(offset), g.AsSpan(offset), 0.9f, 10f, out gradientFinite));
            Assert.False(MomentumUpdate.Reference(thetaR.AsSpan(offset), velocityR.AsSpan(offset), g.AsSpan(offset), 0.9f, 10f, out gradientFiniteR));
            Assert.True(gradientFinite && gradientFiniteR);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void MomentumUpdate_flags_a_gradient_that_is_not_finite_wherever_it_is(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            if (n == 0) return;
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                foreach (int at in new[] { 0, n * 7 / 11, n - 1 }) // the first vector, the body, the scalar tail
                {
                    var theta = RandomValues.Uniform(n + offset, n, 2); var velocity = RandomValues.Uniform(n + offset, n + 1, 0.1); var g = RandomValues.Uniform(n + offset, n + 2, 1);
                    g[offset + at] = bad;
                    var thetaR = (float[])theta.Clone(); var velocityR = (float[])velocity.Clone();
                    MomentumUpdate.Apply(theta.AsSpan(offset), velocity.AsSpan(offset), g.AsSpan(offset), 0.9f, 0.3f, out bool gradientFinite);
                    MomentumUpdate.Reference(thetaR.AsSpan(offset), velocityR.AsSpan(offset), g.AsSpan(offset), 0.9f, 0.3f, out bool gradientFiniteR);
                    Assert.False(gradientFinite, $"{bad} at {at} of {n}");
                    Assert.False(gradientFiniteR);
                    Assert.Equal(thetaR, theta);
                }
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void ScaledSum_matches_reference_bit_for_bit_and_flags_overflow(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var a = RandomValues.Uniform(n + offset, n, 3); var b = RandomValues.Uniform(n + offset, n + 1, 3);
            var total = new float[n]; var totalR = new float[n];
            Assert.True(ScaledSum.Apply(a.AsSpan(offset), b.AsSpan(offset), 0.01f, total));
            Assert.True(ScaledSum.Reference(a.AsSpan(offset), b.AsSpan(offset), 0.01f, totalR));
            Assert.Equal(totalR, total);
            if (n == 0) return;
            // one overflowing or NaN entry, anywhere (vector body or scalar tail), is reported
            int at = offset + n * 5 / 7;
            a[at] = b[at] = 3e38f;
            Assert.False(ScaledSum.Apply(a.AsSpan(offset), b.AsSpan(offset), 1f, total));
            Assert.False(ScaledSum.Reference(a.AsSpan(offset), b.AsSpan(offset), 1f, totalR));
            a[at] = float.NaN;
            Assert.False(ScaledSum.Apply(a.AsSpan(offset), b.AsSpan(offset), 1f, total));
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void SoftmaxRows_matches_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        var cases = from n in Gen.Choose(1, 40)
                    from rows in Gen.Choose(0, 9)
                    from perLabel in Gen.Choose(1, 3)
                    from scale in Gen.Elements(1.0, 30.0, 300.0)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select (n, rows, perLabel, scale, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var random = new Random(c.seed);
            var o = RandomValues.Uniform(c.rows * c.n, c.seed, c.scale);
            var labels = Enumerable.Range(0, (c.rows + c.perLabel - 1) / c.perLabel).Select(_ => random.Next(c.n)).ToArray();
            var p = new float[c.rows * c.n]; var pr = new float[c.rows * c.n];
            var logLabel = new float[c.rows]; var logLabelR = new float[c.rows];
            SoftmaxRows.Compute(o, c.rows, c.n, labels, c.perLabel, p, logLabel);
            SoftmaxRows.Reference(o, c.rows, c.n, labels, c.perLabel, pr, logLabelR);
            Close(p, pr, 1e-5, 1e-7);
            // log p(label) = o - (max + log sum) is rounded at the size of the largest logit
            Close(logLabel, logLabelR, 1e-6, 4e-7 * c.scale);
            return true;
        }).Check(Seeded.Config(300, 23UL));
    }

    [Theory, MemberData(nameof(Isas))]
    public void SigmoidSlope_matches_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var s = RandomValues.Uniform(n, n, 1); var g = RandomValues.Uniform(n, n + 1, 5);
            var fast = new float[n]; var reference = new float[n];
            SigmoidSlope.Multiply(s, g, fast);
            SigmoidSlope.Reference(s, g, reference);
            Close(fast, reference, 1e-6, 1e-7);
            SigmoidSlope.Multiply(s, g, g);
            Close(g, reference, 1e-6, 1e-7);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void Unit_signals_match_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var x = RandomValues.Uniform(n, n, 3); var g = RandomValues.Uniform(n, n + 1, 5);
            var u = RandomValues.Uniform(n, n + 2, 1).Select(Math.Abs).ToArray();
            var t = RandomValues.Uniform(n, n + 3, 1).Select(Math.Abs).ToArray();
            var coin = x.Select(v => v > 0 ? 1f : 0f).ToArray();
            var fast = new float[n]; var reference = new float[n];

            UnitSignals.RectifierGate(x, g, fast);
            UnitSignals.RectifierGateReference(x, g, reference);
            Assert.Equal(reference, fast); // a select: the same bits on every path
            UnitSignals.Below(u, t, fast);
            UnitSignals.BelowReference(u, t, reference);
            Assert.Equal(reference, fast);
            UnitSignals.StsSlope(x, coin, g, fast);
            UnitSignals.StsSlopeReference(x, coin, g, reference);
            Close(fast, reference, 1e-5, 1e-7); // the vector paths' sigmoid is FastExp's
            UnitSignals.StsSlope(x, coin, g, g); // in place
            Close(g, reference, 1e-5, 1e-7);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void LogSumExp_softmax_and_log_softmax_match_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var x = RandomValues.Uniform(n, n, 50);
            float lse = LogSumExp.Compute(x), reference = LogSumExp.Reference(x);
            if (n == 0) Assert.Equal(float.NegativeInfinity, lse);
            else CloseSum(lse, reference, n);
            var fast = new float[n]; var expected = new float[n];
            Softmax.Compute(x, fast); Softmax.Reference(x, expected);
            Close(fast, expected, 1e-4, 1e-7);
            LogSoftmax.Compute(x, fast); LogSoftmax.Reference(x, expected);
            Close(fast, expected, 1e-5, 1e-4);
            LogSoftmax.Compute(x, x);
            Close(x, expected, 1e-5, 1e-4);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void Bernoulli_head_matches_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((n, offset) =>
        {
            var o = RandomValues.Uniform(n, n, 40);
            var y = RandomValues.Uniform(n, n + 7, 1).Select(v => v > 0 ? 1f : 0f).ToArray();
            float fast = BernoulliLogLikelihood.Compute(o, y), reference = BernoulliLogLikelihood.ComputeReference(o, y);
            CloseSum(fast, reference, n);
            var g = new float[n]; var gr = new float[n];
            BernoulliLogLikelihood.Gradient(o, y, 0.7f, g);
            BernoulliLogLikelihood.GradientReference(o, y, 0.7f, gr);
            Close(g, gr, 1e-5, 1e-7);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void Row_ops_match_reference(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        ForLengths((cols, rows) =>
        {
            var m = RandomValues.Uniform(rows * cols, cols, 3); var bias = RandomValues.Uniform(cols, cols + 1, 3);
            var fast = (float[])m.Clone(); var reference = (float[])m.Clone();
            BiasAdd.AddToRows(fast, rows, bias); BiasAdd.AddToRowsReference(reference, rows, bias);
            Close(fast, reference, 0);
            var sum = RandomValues.Uniform(cols, 5, 1); var sumReference = (float[])sum.Clone();
            ColumnSum.Add(m, rows, cols, sum); ColumnSum.AddReference(m, rows, cols, sumReference);
            Close(sum, sumReference, 1e-6, 1e-5);
            // the first cols - cols / 3 columns of the same rows, read in place
            int narrow = cols - cols / 3;
            var dense = new float[rows * narrow];
            for (int r = 0; r < rows; r++) m.AsSpan(r * cols, narrow).CopyTo(dense.AsSpan(r * narrow));
            var strided = RandomValues.Uniform(narrow, 7, 1); var stridedReference = (float[])strided.Clone();
            ColumnSum.Add(m, rows, narrow, cols, strided); ColumnSum.AddReference(dense, rows, narrow, stridedReference);
            Close(strided, stridedReference, 1e-6, 1e-5);
        });
    }

    [Theory, MemberData(nameof(Isas))]
    public void Saturated_inputs_stay_finite(Isa isa)
    {
        using var _ = IsaVariants.Use(isa);
        float[] a = [-1000, -80, -30, 0, 30, 80, 1000, -1000, -80, -30, 0, 30, 80, 1000, 5, -5, 88, -88, 100];
        var s = new float[a.Length];
        Sigmoid.Compute(a, s);
        Assert.All(s, v => Assert.True(v >= 0 && v <= 1));
        var stream = RandomStream.Create(1, 1);
        var h = new float[a.Length];
        SigmoidBernoulli.SampleRows(a, ref stream, s, h, 1, a.Length);
        Assert.All(s, v => Assert.True(v >= 0 && v <= 1));
        var y = a.Select((_, i) => (float)(i % 2)).ToArray();
        Assert.True(float.IsFinite(BernoulliLogLikelihood.Compute(a, y)));
        Assert.True(float.IsFinite(LogSumExp.Compute(a)));
        float[] tiny = [-1e30f, -1e30f, -1e30f];
        Assert.Equal(-1e30f + MathF.Log(3), LogSumExp.Compute(tiny), 1e24f);
    }
}
