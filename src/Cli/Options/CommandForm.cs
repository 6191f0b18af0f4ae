using System.CommandLine;
using System.CommandLine.Parsing;
using SimdSfnn.IO;

namespace SimdSfnn.Cli.Options;

/// One form of a command and the options it takes: `train --task gsn`, `eval` of a GSN
/// checkpoint, `lab --report`. A command takes the options of all its forms; the form that runs
/// refuses the others, so that GSN's `--walkback` given to a classifier's run is an error rather
/// than ignored.
internal sealed record CommandForm(string Name, IReadOnlyList<Option> Options)
{
    /// Refuses every option given on the command line that this form does not take.
    public void RefuseOthers(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var given in result.CommandResult.Children.OfType<OptionResult>())
            if (!given.Implicit && !Options.Contains(given.Option))
                throw new BadInputException($"option {given.Option.Name} does not apply to {Name}");
    }
}
