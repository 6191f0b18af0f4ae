using System.CommandLine;
using System.CommandLine.Parsing;
using SimdSfnn.IO;

namespace SimdSfnn.Cli.Options;

/// Turns what System.CommandLine found wrong with a command line into the one line that `sfnn`
/// prints for bad input (a `BadInputException` naming the option or argument), first problem
/// first: an unknown command, a flag given a value, an unknown option, an extra argument, an
/// option given twice or without its value, a missing argument, then the options' own value
/// checks (`OptionKinds`).
internal static class ParseRefusal
{
    public const string Usage = "usage: sfnn COMMAND [options]; sfnn --help lists the commands, sfnn COMMAND --help their options";

    public static void ThrowIfBad(ParseResult result, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(args);
        var command = result.CommandResult;
        if (command.Command is RootCommand)
            throw new BadInputException((result.UnmatchedTokens.Count > 0 ? result.UnmatchedTokens[0] : null) switch
            {
                null => Usage,
                var word when word.StartsWith('-') => $"unknown option {word}; {Usage}",
                var word => $"unknown command '{word}'; {Usage}",
            });

        // `--flag=value`: the parser splits it, and the value would read as a stray argument
        foreach (var arg in args)
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq &&
                command.Command.Options.FirstOrDefault(o => o.Name == arg[..eq]) is { Arity.MaximumNumberOfValues: 0 } flag)
                throw new BadInputException($"option {flag.Name} takes no value");

        // an unknown `--name` is an argument to the parser: of the command, or left unmatched
        bool doubleDash = result.Tokens.Any(t => t.Type == TokenType.DoubleDash);
        var words = command.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens.Select(t => t.Value)).Concat(result.UnmatchedTokens);
        foreach (var word in words)
            if (!doubleDash && word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
                throw new BadInputException($"unknown option {word.Split('=')[0]}");
        if (result.UnmatchedTokens.Count > 0) throw new BadInputException($"unexpected argument '{result.UnmatchedTokens[0]}'");

        foreach (var given in command.Children.OfType<OptionResult>())
        {
            if (given.IdentifierTokenCount > 1) throw new BadInputException($"option {given.Option.Name} is given twice");
            if (given.Tokens.Count == 0 && given.Option.Arity.MinimumNumberOfValues > 0)
                throw new BadInputException($"option {given.Option.Name} needs a value");
        }
        foreach (var argument in command.Command.Arguments)
            if ((result.GetResult(argument)?.Tokens.Count ?? 0) < argument.Arity.MinimumNumberOfValues)
                throw new BadInputException($"{command.Command.Name} needs {argument.Name}: {argument.Description} (sfnn {command.Command.Name} --help)");

        if (result.Errors.Count > 0) throw new BadInputException(result.Errors[0].Message);
    }
}
