using Markdig.Parsers;
using Markdig.Syntax;

namespace LinuxVm.DocGen.Weave.Directives;

/// <summary>
/// A block directive, one line of the form <c>:::name key="value" ...:::</c>. Subclasses give the
/// attributes their meaning; a line that does not parse still becomes a block, carrying the
/// <see cref="Error"/> that Weave reports with its place.
/// </summary>
public abstract class DirectiveBlock(BlockParser parser) : LeafBlock(parser), IWovenNode
{
    /// <summary>The directive's name (<c>snippet</c>, <c>callgraph</c>, ...).</summary>
    public string Name { get; set; } = "";

    /// <summary>Attributes in the order written.</summary>
    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the line is malformed, or null.</summary>
    public string? Error { get; set; }

    /// <summary>1-based column of the error within the line (the directive's own column when unknown).</summary>
    public int ErrorColumn { get; set; }

    /// <summary>The attribute's value, or null.</summary>
    public string? Get(string key) => Attributes.GetValueOrDefault(key);
}

/// <summary>A line starting with <c>:::</c> that no directive recognises.</summary>
public sealed class InvalidDirectiveBlock(BlockParser parser) : DirectiveBlock(parser);
