using SimdSfnn.Cli.Commands;
using SimdSfnn.Cli.Lab;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Reproduce;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli;

internal static class Program
{
    const string Usage = "usage: sfnn train|eval CHECKPOINT|sample CHECKPOINT|parzen SAMPLES|lab SPEC.json|bench|reproduce TABLE [options]; see README.md";

    public static int Main(string[] args)
    {
        try
        {
            if (args.Length == 0) throw new BadInputException(Usage);
            var rest = args[1..];
            if (CommandHelp.Wanted(rest)) return CommandHelp.Print(args[0]);
            if (KernelIsa.ForcedProblem is { } forcedProblem) throw new BadInputException(forcedProblem);
            return args[0] switch
            {
                "train" => TrainCommand.Run(rest),
                "eval" => EvalCommand.Run(rest),
                "bench" => BenchCommand.Run(rest),
                "sample" => SampleCommand.Run(rest),
                "parzen" => ParzenCommand.Run(rest),
                "lab" => LabCommand.Run(rest),
                "reproduce" => ReproduceCommand.Run(rest),
                "--help" or "-h" or "help" => Help(),
                _ => throw new BadInputException($"unknown command '{args[0]}'; {Usage}"),
            };
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

    static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }
}
