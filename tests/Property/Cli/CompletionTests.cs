using System.Diagnostics;
using SimdSfnn.Cli.Options;

namespace SimdSfnn.Property.Cli;

/// Tab completion: the parser's suggestions for a partial line, the `[suggest:N]` directive the
/// shell script calls, and the script itself in a real bash.
public sealed class CompletionTests
{
    static string[] Suggestions(string line) => [.. CommandTree.Root.Parse(line).GetCompletions(line.Length).Select(c => c.Label)];

    [Fact]
    public void A_partial_option_completes_to_the_options_of_that_command()
    {
        Assert.Equal(["--epochs"], Suggestions("train --ep"));
        Assert.Equal(["--epoch-size"], Suggestions("bench --ep")); // bench has no --epochs
        Assert.Equal(["--curve"], Suggestions("eval --cu"));
        Assert.Equal(["--firing-rate", "--firing-step", "--firing-two-sided"], Suggestions("train --firing-"));
    }

    [Fact]
    public void A_value_from_a_fixed_set_completes_to_its_members()
    {
        Assert.Equal(["classify", "gated", "gsn", "structured"], Suggestions("train --task ").Order(StringComparer.Ordinal));
        Assert.Equal(["parallel", "slurm"], Suggestions("reproduce table1 --emit ").Order(StringComparer.Ordinal));
        Assert.Contains("deterministic", Suggestions("bench --estimator d"));
    }

    [Fact]
    public void A_partial_command_completes_to_the_commands()
    {
        Assert.Equal(["sample"], Suggestions("sa"));
        Assert.Equal(["parzen"], Suggestions("pa"));
    }

    [Fact]
    public void The_suggest_directive_prints_the_completions_one_a_line()
    {
        var result = Sfnn.Run("[suggest:10]", "train --hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["--hidden", "--hidden-noise"], result.StdoutLines);
    }

    [Fact]
    public void The_bash_script_completes_through_sfnn()
    {
        // `sfnn` as a shell function, so the script's call of the program word reaches this build
        string script = $$"""
            sfnn() { '{{Sfnn.Host}}' '{{Sfnn.Dll}}' "$@"; }
            source <(sfnn completions bash)
            COMP_LINE='sfnn bench --task gsn --wa'; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(sfnn bench --task gsn --wa); COMP_CWORD=4
            _sfnn_complete
            printf '%s\n' "${COMPREPLY[@]}"
            complete -p sfnn
            """;
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        string output = bash.StandardOutput.ReadToEnd();
        string error = bash.StandardError.ReadToEnd();
        Assert.True(bash.WaitForExit(60_000), "bash did not finish");

        Assert.True(bash.ExitCode == 0, error);
        Assert.Equal(["--walkback", "complete -o default -F _sfnn_complete sfnn"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Completions_of_another_shell_are_refused_in_one_line()
    {
        var result = Sfnn.Run("completions", "fish");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("fish", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
    }
}
