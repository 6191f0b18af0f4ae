using System.CommandLine;
using System.CommandLine.Help;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli;

internal static class Program
{
    /// Commands run on this thread and their exceptions reach `Main`; Ctrl-C is `Interruption`'s.
    static readonly InvocationConfiguration Invocation = new() { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };

    public static int Main(string[] args)
    {
        try
        {
            var result = CommandTree.Parse(args is ["help"] ? ["--help"] : args);
            // help and the shell's [suggest:N] directive answer whatever else the line holds
            if (result.Action is HelpAction || CommandTree.Suggests(result)) return result.Invoke(Invocation);
            if (KernelIsa.ForcedProblem is { } forcedProblem) throw new BadInputException(forcedProblem);
            ParseRefusal.ThrowIfBad(result, args);
            return result.Invoke(Invocation);
        }
        catch (BadInputException e) { return Fail(e.Message, 2); }
        catch (DivergedException e) { return Fail(e.Message, 3); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Fail(e.Message, 2); }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SFNN_DEBUG") is null)
        {
            return Fail($"internal error: {e.GetType().Name}: {e.Message} (set SFNN_DEBUG=1 for a stack trace)", 1);
        }
    }

    static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"sfnn: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
