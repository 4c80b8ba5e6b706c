namespace LinuxVm.DocGen.Diagnostics;

/// <summary>One build error pinned to a place in a source file, printed as <c>file:line:column: message</c>.</summary>
/// <param name="File">Path relative to the repository root, with forward slashes.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong, and where possible what to write instead.</param>
public sealed record SourceError(string File, int Line, int Column, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>Collects the errors of a stage; a stage that found any stops the build once it has reported them all.</summary>
public sealed class ErrorList
{
    private readonly List<SourceError> _errors = [];

    /// <summary>Errors so far, in the order they were found.</summary>
    public IReadOnlyList<SourceError> Errors => _errors;

    /// <summary>Records an error.</summary>
    public void Add(string file, int line, int column, string message) => _errors.Add(new SourceError(file, line, column, message));

    /// <summary>Records an error.</summary>
    public void Add(SourceError error) => _errors.Add(error);

    /// <summary>Throws <see cref="DocGenException"/> carrying every error, if there is any.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
            throw new DocGenException(_errors);
    }
}

/// <summary>The build failed: the errors say where and why.</summary>
public sealed class DocGenException(IReadOnlyList<SourceError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    /// <summary>Every error found before the build stopped.</summary>
    public IReadOnlyList<SourceError> Errors { get; } = errors;

    /// <summary>One error.</summary>
    public static DocGenException At(string file, int line, int column, string message) =>
        new([new SourceError(file, line, column, message)]);
}

/// <summary>
/// The command line points DocGen at something it cannot use (a missing folder, a file that is
/// not an assembly): nothing was built or written. DocGen prints the message and exits with 2.
/// </summary>
/// <param name="message">One line naming the option, the value and what it must be.</param>
public sealed class UsageException(string message) : Exception(message);
