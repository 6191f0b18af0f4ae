using System.Diagnostics;

namespace SimdSfnn.Property.Cli;

/// What a finished `sfnn` process left: its exit code and its two streams.
public sealed record SfnnResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// Runs the real CLI as a subprocess: `dotnet sfnn.dll ...`. The test project references the
/// CLI project, so the build copies `sfnn.dll` and its runtimeconfig next to the test assembly.
public static class Sfnn
{
    /// The tiny run every CLI test uses: about a second per `train`.
    public static readonly string[] Tiny = ["--layers", "8", "--epochs", "2", "--batch", "20", "--threads", "1", "--samples", "2",
                                            "--eval-samples", "4", "--monitor-samples", "2"];

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "sfnn.dll");

    /// The `dotnet` host that runs this test, so the CLI gets the same runtime.
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// Starts `sfnn args`; `pause` sets `SFNN_TEST_PAUSE`, the point where the run waits for the
    /// test's signal (src/Cli/Training/PausePoint.cs).
    public static Process Start(IEnumerable<string> args, string? pause = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Host)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("SFNN_DEBUG");
        start.Environment.Remove("SFNN_TEST_PAUSE");
        if (pause is not null) start.Environment["SFNN_TEST_PAUSE"] = pause;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    public static SfnnResult Run(params string[] args) => Finish(Start(args));

    /// Waits for the process and collects its output. The limit only turns a hang into a
    /// failure: the tiny runs of the tests take a second or two.
    public static SfnnResult Finish(Process process)
    {
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("sfnn did not finish within ten minutes (hung?)");
            }
            return new SfnnResult(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// Sends a POSIX signal (`INT`, `KILL`) with /bin/kill: `Process.Kill` only sends SIGKILL.
    /// Reads the run's stderr up to the line `expected` (a pause point's `paused at ...`).
    public static void WaitFor(Process process, string expected)
    {
        while (process.StandardError.ReadLine() is { } line)
            if (line == expected) return;
        throw new Xunit.Sdk.XunitException($"sfnn ended before it printed '{expected}': exit {(process.WaitForExit(10_000) ? process.ExitCode : -1)}");
    }

    /// Runs `args` to the pause point `point`, sends SIGINT there, and returns how the run ended.
    public static SfnnResult InterruptAt(IEnumerable<string> args, string point)
    {
        var process = Start(args, pause: point);
        WaitFor(process, $"paused at {point}");
        Signal(process, "INT");
        return Finish(process);
    }

    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, process.Id.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }
}
