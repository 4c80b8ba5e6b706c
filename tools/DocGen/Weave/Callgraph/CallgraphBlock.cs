using LinuxVm.DocGen.Weave.Directives;
using Markdig.Parsers;

namespace LinuxVm.DocGen.Weave.Callgraph;

/// <summary>
/// <c>:::callgraph kernel="__alloc_pages" [file="..."] direction="callees|callers" depth="N":::</c>
/// (or <c>csharp="..."</c>): the functions a ported function calls, or that call it, to depth N.
/// </summary>
public sealed class CallgraphBlock(BlockParser parser) : DirectiveBlock(parser), IWovenNode
{
    /// <summary>Greatest depth a figure may ask for (deeper graphs stop being readable).</summary>
    public const int MaxDepth = 6;

    /// <summary>Kernel name, or null.</summary>
    public string? Kernel => Get("kernel");

    /// <summary>Kernel file narrowing <see cref="Kernel"/>, or null.</summary>
    public string? File => Get("file");

    /// <summary>C# name, or null.</summary>
    public string? CSharp => Get("csharp");

    /// <summary>True for callees (the default), false for callers.</summary>
    public bool Callees => Get("direction") is null or "callees";

    /// <summary>Depth (default 2).</summary>
    public int Depth => int.TryParse(Get("depth"), out int d) ? d : 2;
}
