using Markdig.Syntax.Inlines;

namespace LinuxVm.DocGen.Weave.KernelLink;

/// <summary>
/// <c>[[kernel:name]]</c> or <c>[[kernel:file:name]]</c> in running text: a link to the
/// identifier's section, shown as its kernel name.
/// </summary>
public sealed class KernelLinkInline : LeafInline, IWovenNode
{
    /// <summary>The kernel name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The kernel file, when the link names one.</summary>
    public string? File { get; set; }

    /// <summary>Why the link is malformed, or null.</summary>
    public string? Error { get; set; }
}
