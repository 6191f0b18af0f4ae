using System.Runtime.InteropServices;

namespace SimdSfnn.Cli.Training;

/// Ctrl-C and SIGTERM as a cancellation: the first signal asks the run to checkpoint after its
/// current step; a second one is left to the runtime and ends the process (the last checkpoint
/// is still intact, written atomically).
internal sealed class Interruption : IDisposable
{
    /// Exit code of a run stopped by SIGINT or SIGTERM (128 + SIGINT, the shell's convention).
    public const int ExitCode = 130;

    readonly CancellationTokenSource cancel = new();
    readonly PosixSignalRegistration interrupt, terminate;

    public Interruption()
    {
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => cancel.Token;
    public bool Requested => cancel.IsCancellationRequested;

    void OnSignal(PosixSignalContext context)
    {
        if (cancel.IsCancellationRequested) return;
        context.Cancel = true;
        cancel.Cancel();
    }

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        cancel.Dispose();
    }
}
