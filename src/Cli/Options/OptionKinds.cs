using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SimdSfnn.IO;

namespace SimdSfnn.Cli.Options;

/// What an option means and what it is when not given, as help and README's option table show them.
internal sealed record OptionHelp(string Meaning, string Default);

/// The kinds of option `sfnn` has, each a System.CommandLine option whose parser converts and
/// range-checks its value, so that a bad value is a parse error (found before any data is read)
/// with a message that names the option:
///   Count    an integer in [min, max]               Number   a finite number in [min, max]
///   Seed     a non-negative 64-bit integer          Widths   comma-separated widths 1..65536
///   Choice   one of a fixed set of names            Text     a string (a file, a folder, a list)
///   Flag     present or not, no value
/// A value that starts with `--` is refused as missing: `--out --resume` must not create a
/// folder named `--resume`. An option's help is its meaning and its default (`Describe`).
internal static class OptionKinds
{
    static readonly Dictionary<Option, OptionHelp> Helps = [];

    /// The meaning and default an option was defined with.
    public static OptionHelp HelpOf(Option option) => Helps[option];

    public static Option<int?> Count(string name, string value, string meaning, string shown, int min, int max = int.MaxValue) =>
        Valued<int?>(name, value, meaning, shown, (text, error) =>
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                return error($"option {name} wants an integer, got '{text}'");
            return v < min || v > max ? error(OutOfRange(name, min, max, v)) : v;
        });

    public static Option<double?> Number(string name, string value, string meaning, string shown, double min, double max, bool minExclusive = false) =>
        Valued<double?>(name, value, meaning, shown, (text, error) =>
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                return error($"option {name} wants a number, got '{text}'");
            if (v < min || v > max || (minExclusive && v == min))
                return error($"option {name} must be {(minExclusive ? "greater than" : "at least")} {min.ToString(CultureInfo.InvariantCulture)}" +
                             (max < double.MaxValue ? $" and at most {max.ToString(CultureInfo.InvariantCulture)}" : "") + $", got {text}");
            return v;
        });

    public static Option<ulong?> Seed(string name, string value, string meaning, string shown) =>
        Valued<ulong?>(name, value, meaning, shown, (text, error) =>
            ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v
            : error($"option {name} wants a non-negative integer, got '{text}'"));

    /// A comma-separated list of positive integers, e.g. `--layers 200,200`.
    public static Option<int[]?> Widths(string name, string value, string meaning, string shown) =>
        Valued<int[]?>(name, value, meaning, shown, (text, error) =>
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var widths = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1 || widths[i] > 1 << 16)
                    return error($"option {name} wants comma-separated widths from 1 to 65536, got '{text}'");
            return widths;
        });

    /// The widths given to `option`, or `fallback` when it is not given (the parser's own value
    /// for a missing list option is an empty list, not null).
    public static int[] WidthsOr(ParseResult result, Option<int[]?> option, int[] fallback)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetResult(option) is null or { Implicit: true } ? fallback : result.GetValue(option)!;
    }

    /// One of `names` (compared as `comparer` says), which help shows as the value and the shell completes.
    public static Option<string?> Choice(string name, IReadOnlyList<string> names, string meaning, string shown, StringComparer? comparer = null)
    {
        var option = Valued<string?>(name, string.Join('|', names), meaning, shown, (text, error) =>
            names.Contains(text, comparer ?? StringComparer.Ordinal) ? text : error($"option {name} must be one of {string.Join(", ", names)}, got '{text}'"));
        option.CompletionSources.Add([.. names]);
        return option;
    }

    public static Option<string?> Text(string name, string value, string meaning, string shown) =>
        Valued<string?>(name, value, meaning, shown, (text, _) => text);

    public static Option<bool> Flag(string name, string meaning, string shown = "off")
    {
        var option = new Option<bool>(name) { Arity = ArgumentArity.Zero, Description = Describe(meaning, shown) };
        Helps.Add(option, new OptionHelp(meaning, shown));
        return option;
    }

    /// The refusal of an integer outside [min, max], for the checks a command makes itself
    /// (`--stop-after` against `--epochs`, a family's smaller `--batch`).
    public static string OutOfRange(string name, int min, int max, int value) =>
        $"option {name} must be {(max == int.MaxValue ? $"at least {min}" : $"from {min} to {max}")}, got {value}";

    /// `value`, refused with `OutOfRange` when above `max` (the option's parser checked the rest).
    public static int AtMost(Option<int?> option, int value, int max)
    {
        ArgumentNullException.ThrowIfNull(option);
        return value <= max ? value : throw new BadInputException(OutOfRange(option.Name, 1, max, value));
    }

    static string Describe(string meaning, string shown) => $"{meaning} [default: {shown}]";

    /// An option of one value, converted by `parse` from its text; `parse` reports a bad value
    /// through the function it is given, which records the error and returns the type's default.
    static Option<T> Valued<T>(string name, string value, string meaning, string shown, Func<string, Func<string, T?>, T?> parse)
    {
        var option = new Option<T>(name)
        {
            Arity = ArgumentArity.ExactlyOne,
            HelpName = value,
            Description = Describe(meaning, shown),
            CustomParser = result =>
            {
                if (result.Tokens.Count != 1) return default; // missing or repeated: the arity's error names it
                string text = result.Tokens[0].Value;
                T? Error(string message)
                {
                    result.AddError(message);
                    return default;
                }
                return text.StartsWith("--", StringComparison.Ordinal) ? Error($"option {name} needs a value") : parse(text, Error);
            },
        };
        Helps.Add(option, new OptionHelp(meaning, shown));
        return option;
    }
}
