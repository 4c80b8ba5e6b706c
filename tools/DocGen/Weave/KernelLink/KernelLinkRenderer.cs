using LinuxVm.DocGen.Model;
using Markdig.Renderers;

namespace LinuxVm.DocGen.Weave.KernelLink;

/// <summary>Writes a kernel link as a Markdown link to the identifier's home section, its C# name as the title.</summary>
public sealed class KernelLinkRenderer : MarkdownObjectRenderer<WeaveRenderer, KernelLinkInline>
{
    /// <inheritdoc/>
    protected override void Write(WeaveRenderer renderer, KernelLinkInline link)
    {
        var context = renderer.Context;
        if (link.Error is not null)
        {
            context.Error(link.Line, link.Column, link.Error);
            return;
        }
        if (context.Resolve(link.Name, link.File, null, m => context.Error(link.Line, link.Column, m)) is not var (_, kernel) || kernel is null)
            return;
        context.Mention(kernel);
        var (page, anchor) = context.Map.HomeOf(kernel);
        string href = SiteMap.Link(context.Page.SitePath, page, anchor, html: false);
        renderer.Write($"[`{kernel.Name}`]({href} \"{kernel.CSharpName}\")");
    }
}
