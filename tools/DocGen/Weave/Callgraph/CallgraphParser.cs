using LinuxVm.DocGen.Weave.Directives;

namespace LinuxVm.DocGen.Weave.Callgraph;

/// <summary>Parses <c>:::callgraph ...:::</c> lines.</summary>
public sealed class CallgraphParser : DirectiveParser<CallgraphBlock>
{
    /// <inheritdoc/>
    protected override string Name => "callgraph";

    /// <inheritdoc/>
    protected override IReadOnlyCollection<string> Allowed => ["kernel", "file", "csharp", "direction", "depth"];

    /// <inheritdoc/>
    protected override CallgraphBlock Create() => new(this);

    /// <inheritdoc/>
    protected override void Validate(CallgraphBlock block)
    {
        OneSymbol(block);
        if (block.Get("direction") is { } dir && dir is not ("callees" or "callers"))
            DirectiveSyntax.Fail(block, 1, $"direction=\"{dir}\" must be \"callees\" or \"callers\"");
        if (block.Get("depth") is { } depth && (!int.TryParse(depth, out int d) || d < 1 || d > CallgraphBlock.MaxDepth))
            DirectiveSyntax.Fail(block, 1, $"depth=\"{depth}\" must be a number from 1 to {CallgraphBlock.MaxDepth}");
    }
}
