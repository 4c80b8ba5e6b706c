using Markdig;
using Markdig.Parsers.Inlines;
using Markdig.Renderers;

namespace LinuxVm.DocGen.Weave.KernelLink;

/// <summary>Plugs <c>[[kernel:name]]</c> into a Markdig pipeline and into <see cref="WeaveRenderer"/>.</summary>
public sealed class KernelLinkExtension : IMarkdownExtension
{
    /// <inheritdoc/>
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        if (!pipeline.InlineParsers.Contains<KernelLinkParser>())
            pipeline.InlineParsers.InsertBefore<LinkInlineParser>(new KernelLinkParser());
    }

    /// <inheritdoc/>
    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is WeaveRenderer weave)
            weave.ObjectRenderers.AddIfNotAlready<KernelLinkRenderer>();
    }
}
