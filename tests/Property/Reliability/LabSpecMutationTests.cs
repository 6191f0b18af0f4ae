using SimdSfnn.Cli.Lab;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Reliability;

/// Deterministic mutation fuzzing of the lab's JSON reader: character and token edits of the
/// spec's worked example (fixed seed, so a failure replays), each accepted or refused with a
/// one-line `BadInputException`, never another exception.
public sealed class LabSpecMutationTests
{
    const string Valid = """
        {"layers": [2, 3, 2], "output": "softmax",
         "weights": [[0.5, -1.0, 0.3, 0.2, -0.7, 1.1], [1.0, -0.5, 0.25, 0.4, 0.9, -1.2]],
         "biases": [[0.1, -0.2, 0.0], [0.05, -0.05]], "x": [1.0, 0.0], "y": 1, "samples": 2,
         "estimator": "G5", "c": 0.5, "baseline": 0.0, "draws": 20, "seed": 7}
        """;

    // Tokens a careless or hostile spec puts where they do not belong.
    static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-", "0", "1e309", "-1e309", "NaN", "1e-400",
        "2147483648", "-1", "0.5", "99999999999999999999", "\"G3\"", "\"bernoulli\"", "[]", "{}", "\"\\u0000\"", "[[]]",
    ];

    [Fact]
    public void Mutated_specs_are_accepted_or_refused_in_one_line()
    {
        var random = new Random(20261123);
        int accepted = 0;
        for (int i = 0; i < 4000; i++)
        {
            string text = Mutate(Valid, random);
            try
            {
                LabSpec.Parse(text);
                accepted++;
            }
            catch (BadInputException e) { Assert.DoesNotContain('\n', e.Message); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"case {i}: {e.GetType().Name}: {e.Message}\n{text}"); }
        }
        // the mutations must reach past the JSON syntax check, or the test exercises nothing
        Assert.InRange(accepted, 1, 3999);
    }

    static string Mutate(string valid, Random random)
    {
        var text = valid;
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits && text.Length > 0; e++)
        {
            int at = random.Next(text.Length);
            text = random.Next(4) switch
            {
                0 => text.Remove(at, 1),
                1 => text.Insert(at, Tokens[random.Next(Tokens.Length)]),
                2 => text[..at],
                _ => ReplaceNumber(text, at, Tokens[random.Next(Tokens.Length)]),
            };
        }
        return text;
    }

    /// Replaces the number that starts at or after `at`, if any, so edits land on values.
    static string ReplaceNumber(string text, int at, string token)
    {
        int start = text.IndexOfAny("-0123456789".ToCharArray(), at);
        if (start < 0) return text;
        int end = start + 1;
        while (end < text.Length && "0123456789.eE+-".Contains(text[end])) end++;
        return text[..start] + token + text[end..];
    }
}
