using LinuxVm.DocGen.Weave.Directives;
using Markdig.Parsers;

namespace LinuxVm.DocGen.Weave.Snippet;

/// <summary>
/// <c>:::snippet kernel="rmqueue" [file="mm/page_alloc.c"] [part="split"]:::</c> or
/// <c>:::snippet csharp="PageAlloc.Rmqueue":::</c>: the code of a ported symbol, whole or one
/// marked part (<c>// #region split</c> ... <c>// #endregion</c> inside its body).
/// </summary>
public sealed class SnippetBlock(BlockParser parser) : DirectiveBlock(parser), IWovenNode
{
    /// <summary>Kernel name, or null.</summary>
    public string? Kernel => Get("kernel");

    /// <summary>Kernel file narrowing <see cref="Kernel"/>, or null.</summary>
    public string? File => Get("file");

    /// <summary>C# name, or null.</summary>
    public string? CSharp => Get("csharp");

    /// <summary>Name of the marked part, or null for the whole symbol.</summary>
    public string? Part => Get("part");
}
