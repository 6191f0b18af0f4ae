namespace SimdSfnn.Property.Cli;

/// Bad command lines: one line on stderr naming the option, exit code 2, nothing on stdout and
/// no run folder created. Unknown options are refused before any data is read.
public sealed class BadOptionTests
{
    static readonly string Data = SyntheticIdx.Write();

    [Theory]
    [InlineData("--bogus", "--bogus", "1")]
    [InlineData("--samples", "--samples", "0")]
    [InlineData("--samples", "--samples", "many")]
    [InlineData("--samples", "--samples", "3", "--samples", "4")]
    [InlineData("--layers", "--layers", "8,0")]
    [InlineData("--layers", "--layers", "8,")]
    [InlineData("--lr", "--lr", "-0.1")]
    [InlineData("--lr", "--lr", "NaN")]
    [InlineData("--epochs", "--epochs", "0")]
    [InlineData("--threads", "--threads", "0")]
    [InlineData("--seed", "--seed", "-1")]
    [InlineData("--batch", "--batch", "500")]
    [InlineData("--samples", "--estimator", "deterministic", "--samples", "3")]
    [InlineData("--c", "--c", "0.5", "--estimator", "G3")]
    [InlineData("--resume", "--resume")]
    [InlineData("--stop-after", "--stop-after", "9")]
    [InlineData("--task", "--task", "regress")]
    [InlineData("--estimator", "--estimator", "G9")]
    [InlineData("--eval-samples", "--eval-samples", "0")]
    [InlineData("--eval-samples", "--eval-samples")]
    [InlineData("--resume", "--resume=yes")]
    [InlineData("--walkback", "--walkback", "3")] // GSN's, not the classifier's
    [InlineData("--gater", "--gater", "st")] // the gated classifier's
    [InlineData("--c", "--c", "0.5", "--c", "0.2", "--estimator", "G5")]
    public void Train_refuses_with_one_line_naming_the_option(string named, params string[] bad)
    {
        string outDir = TempDir.Fresh("run");
        var args = new List<string> { "train", "--data", Data, "--layers", "8", "--epochs", "2", "--threads", "1" };
        // A bad option replaces the tiny run's value of the same name.
        foreach (var option in bad.Where(a => a.StartsWith("--")))
        {
            int i = args.IndexOf(option);
            if (i >= 0) args.RemoveRange(i, 2);
        }
        if (!bad.Contains("--resume")) args.AddRange(["--out", outDir]);
        args.AddRange(bad);

        var result = Sfnn.Run([.. args]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("sfnn: ", line);
        Assert.Contains(named, line);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(outDir), "a refused run must not leave its folder");
    }

    [Fact]
    public void Unknown_option_is_refused_before_the_data_is_read()
    {
        var result = Sfnn.Run("train", "--data", "/nonexistent/sfnn-data", "--bogus", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--bogus", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Option_value_that_is_an_option_is_refused()
    {
        var result = Sfnn.Run("train", "--data", Data, "--out", "--resume");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", Assert.Single(result.StderrLines));
        Assert.False(Directory.Exists("--resume"));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("sample")]
    [InlineData("parzen")]
    [InlineData("lab")]
    [InlineData("reproduce")]
    [InlineData("bench")]
    public void Help_on_any_command_prints_usage_and_exits_0(string command)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            // help answers even a line that would be refused
            var result = Sfnn.Run(command, "--bogus", help);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"Usage:\n  sfnn {command}", result.Stdout.ReplaceLineEndings("\n"));
            Assert.Contains("--help", result.Stdout);
            Assert.Empty(result.Stderr);
        }
    }

    [Fact]
    public void Help_alone_lists_the_commands()
    {
        foreach (var help in new[] { "--help", "-h", "help" })
        {
            var result = Sfnn.Run(help);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.All(new[] { "train", "eval", "sample", "parzen", "lab", "reproduce", "bench", "completions" }, c => Assert.Contains($"\n  {c} ", result.Stdout));
        }
    }

    [Fact]
    public void Unknown_command_and_no_command_exit_2()
    {
        foreach (var args in new[] { ["trian"], Array.Empty<string>(), ["--bogus"] })
        {
            var result = Sfnn.Run(args);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.StartsWith("sfnn: ", Assert.Single(result.StderrLines));
            Assert.Empty(result.Stdout);
        }
    }

    [Theory]
    [InlineData("Vector1024")]
    [InlineData("7")]
    public void A_forced_kernel_path_that_cannot_run_is_refused_in_one_line(string path)
    {
        var result = Sfnn.Finish(Sfnn.Start(["bench", "--help"], environment: new Dictionary<string, string> { ["SFNN_FORCE_KERNEL"] = path }));
        Assert.True(result.ExitCode == 0, "help still works: " + result);
        result = Sfnn.Finish(Sfnn.Start(["train", "--data", Data, "--epochs", "1"], environment: new Dictionary<string, string> { ["SFNN_FORCE_KERNEL"] = path }));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"sfnn: SFNN_FORCE_KERNEL={path} names no kernel path; use one of Scalar, Vector128, Vector256, Vector512", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
    }
}
