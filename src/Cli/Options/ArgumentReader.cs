using System.Globalization;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Options;

/// Reads `--name value` and `--flag` options and positional arguments, refusing unknown or
/// repeated options. Every refusal is a `BadInputException` whose message names the option.
internal sealed class ArgumentReader
{
    readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);
    readonly List<string> positional = [];
    readonly HashSet<string> consumed = [];

    /// `flags` are the options that take no value; every other `--name` takes one.
    public ArgumentReader(IReadOnlyList<string> args, IReadOnlyCollection<string> flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positional.Add(arg);
                continue;
            }
            string name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (!flags.Contains(name))
            {
                // `--out --resume` would otherwise swallow the flag as a folder name.
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new BadInputException($"option --{name} needs a value");
                value = args[++i];
            }
            if (!options.TryAdd(name, value)) throw new BadInputException($"option --{name} is given twice");
        }
    }

    public IReadOnlyList<string> Positional => positional;

    public bool Has(string name)
    {
        consumed.Add(name);
        return options.ContainsKey(name);
    }

    /// Marks options that a later step reads, so that `RefuseUnknown` can run before that step
    /// does anything slow (reading data, fetching MNIST).
    public void Expect(params string[] names) => consumed.UnionWith(names);

    public bool Flag(string name)
    {
        if (!Has(name)) return false;
        if (options[name] is not null) throw new BadInputException($"option --{name} takes no value");
        return true;
    }

    public string? Text(string name) => Has(name) ? options[name] : null;

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public int Count(string name, int fallback, int min, int max = int.MaxValue)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new BadInputException($"option --{name} wants an integer, got '{text}'");
        if (value < min || value > max)
            throw new BadInputException($"option --{name} must be {Range(min, max)}, got {value}");
        return value;
    }

    public ulong Seed(string name, ulong fallback)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        if (!ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong value))
            throw new BadInputException($"option --{name} wants a non-negative integer, got '{text}'");
        return value;
    }

    public double Number(string name, double fallback, double min, double max, bool minExclusive = false)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new BadInputException($"option --{name} wants a number, got '{text}'");
        if (value < min || value > max || (minExclusive && value == min))
            throw new BadInputException($"option --{name} must be {(minExclusive ? "greater than" : "at least")} {min.ToString(CultureInfo.InvariantCulture)}" +
                                        (max < double.MaxValue ? $" and at most {max.ToString(CultureInfo.InvariantCulture)}" : "") +
                                        $", got {text}");
        return value;
    }

    /// A comma-separated list of positive integers, e.g. `--layers 200,200`.
    public int[] IntList(string name, int[] fallback)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1 || values[i] > 1 << 16)
                throw new BadInputException($"option --{name} wants comma-separated widths from 1 to 65536, got '{text}'");
        return values;
    }

    /// Refuses any option this command did not ask about, and extra positional arguments.
    public void RefuseUnknown(int maxPositional)
    {
        foreach (var name in options.Keys)
            if (!consumed.Contains(name)) throw new BadInputException($"unknown option --{name}");
        if (positional.Count > maxPositional)
            throw new BadInputException($"unexpected argument '{positional[maxPositional]}'");
    }

    static string Range(int min, int max) => max == int.MaxValue ? $"at least {min}" : $"from {min} to {max}";
}
