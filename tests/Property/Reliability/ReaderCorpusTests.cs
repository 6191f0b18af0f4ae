namespace SimdSfnn.Property.Reliability;

/// The inputs AFL found interesting while fuzzing the readers (`fuzz/run`), replayed on every
/// run: each is accepted or refused with `BadInputException`, never another exception.
public sealed class ReaderCorpusTests
{
    static string Corpus => Path.Combine(AppContext.BaseDirectory, "Reliability", "Corpus");

    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories).Order())
            files.Add(Path.GetRelativePath(Corpus, file));
        return files;
    }

    [Fact]
    public void The_corpus_is_there() => Assert.True(Files().Count >= 20, $"expected the fuzzing corpus in {Corpus}");

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_file_is_accepted_or_refused(string file) => ReaderOutcome.AcceptOrRefuse(Path.Combine(Corpus, file));
}
