using LinuxVm.DocGen.Weave.Directives;

namespace LinuxVm.DocGen.Weave.Snippet;

/// <summary>Parses <c>:::snippet ...:::</c> lines.</summary>
public sealed class SnippetParser : DirectiveParser<SnippetBlock>
{
    /// <inheritdoc/>
    protected override string Name => "snippet";

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> Allowed => ["kernel", "file", "csharp", "part"];

    /// <inheritdoc/>
    protected override SnippetBlock Create() => new(this);

    /// <inheritdoc/>
    protected override void Validate(SnippetBlock block) => OneSymbol(block);
}
