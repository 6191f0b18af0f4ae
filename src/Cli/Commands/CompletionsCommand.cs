using System.CommandLine;

namespace SimdSfnn.Cli.Commands;

/// `sfnn completions bash`: a bash script that completes sfnn's commands, options and option
/// values. It asks `sfnn` itself, through System.CommandLine's `[suggest:N]` directive, for the
/// words that fit the line up to the cursor, so the completions always follow the parser's
/// definitions. Turn it on with `source <(sfnn completions bash)` (or `./sfnn`; put the line in
/// ~/.bashrc to keep it); a word with nothing to suggest, a file name for example, falls back
/// to bash's own completion.
internal static class CompletionsCommand
{
    // the line up to the cursor, less the program's own word, is what the directive parses
    const string Bash = """
        # bash completion for sfnn (SimdSfnn); enable with: source <(sfnn completions bash)
        _sfnn_complete()
        {
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#*"${COMP_WORDS[0]}"}"
            line="${line#"${line%%[![:space:]]*}"}"
            local IFS=$'\n'
            COMPREPLY=($("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null))
        }
        complete -o default -F _sfnn_complete sfnn
        """;

    public static int Run(ParseResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string shell = r.GetValue(Options.CommandTree.Shell)!;
        if (shell != "bash") throw new IO.BadInputException($"completions: no script for '{shell}'; sfnn completes in bash (sfnn completions bash)");
        Console.WriteLine(Bash);
        return 0;
    }
}
