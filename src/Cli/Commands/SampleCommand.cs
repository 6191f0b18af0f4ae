using System.Globalization;
using SimdSfnn.Cli.Gsn;
using SimdSfnn.Cli.Options;
using SimdSfnn.Cli.Pictures;
using SimdSfnn.Cli.Training;
using SimdSfnn.IO;
using SimdSfnn.Nn;
using SimdSfnn.Tensors;

namespace SimdSfnn.Cli.Commands;

/// `sfnn sample CHECKPOINT`: completions of the lower half of test digits, as a PNG grid
/// (Raiko et al. 2014, Figure 3). `--digits 0,5,7` picks test examples by index; `--ambiguous N`
/// picks the N examples among the first `--search` whose completions disagree the most.
internal static class SampleCommand
{
    public static int Run(string[] rest)
    {
        var args = new ArgumentReader(rest, ["inpaint"]);
        if (args.Positional.Count == 0)
            throw new BadInputException("sample needs a checkpoint: sfnn sample CHECKPOINT [--digits 0,1,2 | --ambiguous N] [--completions K] [--out FILE.png]");
        string path = args.Positional[0];
        if (GsnCheckpoint.Is(path)) return GsnSampleCommand.Run(args, path); // the GSN's chain (issue 17)
        var checkpoint = Checkpoint.Load(path);
        var settings = checkpoint.Settings;
        if (settings.Task != TaskKind.Structured)
            throw new BadInputException($"{path}: sample draws completions of the structured task, but this checkpoint is a {settings.TaskName} network");
        int completions = args.Count("completions", 10, 1, 100);
        int ambiguous = args.Count("ambiguous", 0, 0, 100);
        int search = args.Count("search", 1000, 1, int.MaxValue);
        ulong seed = args.Seed("seed", settings.Seed);
        string? digitList = args.Text("digits");
        if (digitList is not null && ambiguous > 0) throw new BadInputException("options --digits and --ambiguous exclude each other");
        string output = args.Text("out", Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, ambiguous > 0 ? "samples-ambiguous.png" : "samples.png"));
        if (!output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new BadInputException($"option --out wants a .png file, got '{output}'");
        var dataset = CommonOptions.Data(args, Progress.ForStandardError());
        args.RefuseUnknown(1);

        var data = TaskData.Load(settings.Task, dataset, settings.TrainLimit, settings.Seed);
        var shape = checkpoint.Theta.Shape;
        if (!shape.Sizes.SequenceEqual(data.Shape(settings).Sizes))
            throw new BadInputException($"{path}: the checkpoint's network {shape} does not fit the data");
        var grid = new CompletionGrid(shape, dataset.TestImages.Rows, dataset.TestImages.Columns);
        var examples = ambiguous > 0
            ? MostAmbiguous(grid, checkpoint.Theta, data.Test, Math.Min(search, data.Test.Count), ambiguous, completions, seed)
            : Digits(digitList ?? "0,1,2,3,4,5,6,7,8,9", data.Test.Count);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        grid.Save(output, data.Test, examples, grid.Complete(checkpoint.Theta, data.Test, examples, completions, seed));
        Console.WriteLine(output);
        return 0;
    }

    static int[] MostAmbiguous(CompletionGrid grid, Parameters theta, ExampleSet test, int search, int count, int completions, ulong seed)
    {
        var candidates = Enumerable.Range(0, search).ToArray();
        var drawn = grid.Complete(theta, test, candidates, completions, seed);
        return candidates.OrderByDescending(i => CompletionGrid.Spread(drawn[i], test.Outputs)).Take(count).Order().ToArray();
    }

    /// Comma-separated test indices, each below `testCount`.
    internal static int[] Digits(string text, int testCount)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] >= testCount)
                throw new BadInputException($"option --digits wants comma-separated test indices from 0 to {testCount - 1}, got '{text}'");
        return result;
    }
}
