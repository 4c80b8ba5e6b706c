using LinuxVm.DocGen.Weave.Directives;
using Markdig.Parsers;

namespace LinuxVm.DocGen.Weave.Figure;

/// <summary>
/// <c>:::figure run="LinuxVm.Figures.BuddyFigures.FreeListsAfterSequence" [caption="..."]:::</c>:
/// the text a figure method of the port returns, computed at build time.
/// </summary>
public sealed class FigureBlock(BlockParser parser) : DirectiveBlock(parser), IWovenNode
{
    /// <summary>The method to run: <c>Namespace.Type.Method</c>.</summary>
    public string Run => Get("run") ?? "";

    /// <summary>Optional caption.</summary>
    public string? Caption => Get("caption");
}
