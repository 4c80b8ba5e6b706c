using LinuxVm.DocGen.Weave.Directives;

namespace LinuxVm.DocGen.Weave.Figure;

/// <summary>Parses <c>:::figure ...:::</c> lines.</summary>
public sealed class FigureParser : DirectiveParser<FigureBlock>
{
    /// <inheritdoc/>
    protected override string Name => "figure";

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> Allowed => ["run", "caption"];

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> Required => ["run"];

    /// <inheritdoc/>
    protected override FigureBlock Create() => new(this);
}
