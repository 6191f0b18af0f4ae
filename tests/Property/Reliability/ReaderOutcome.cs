using SimdSfnn.Cli.Lab;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO.Data;
using SimdSfnn.IO;
using SimdSfnn.Tensors;

namespace SimdSfnn.Property.Reliability;

/// Gives a file to every reader that could meet it and requires each to accept it or refuse it
/// with its own validation exception (one line naming the file); anything else is a bug.
public static class ReaderOutcome
{
    public static void AcceptOrRefuse(string path)
    {
        Check(path, () => IdxFile.ReadImages(path));
        Check(path, () => IdxFile.ReadLabels(path));
        Check(path, () => IdxFloats.ReadRows(path));
        Check(path, () => Checkpoint.Load(path)); // reads it with Safetensors.Read first
        Check(path, () => LabSpec.Load(path));
    }

    static void Check(string path, Action read)
    {
        try { read(); }
        catch (BadInputException e)
        {
            Assert.StartsWith(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{path}: {e.GetType().Name} instead of a refusal: {e.Message}");
        }
    }
}
