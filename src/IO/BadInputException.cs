namespace SimdSfnn.IO;

/// A problem with what the user gave us (a file, an option, a spec). The CLI prints its
/// message as one line on stderr and exits with code 2; the message names the culprit.
public sealed class BadInputException(string message) : Exception(message);
