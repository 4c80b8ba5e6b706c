using Markdig;
using Markdig.Renderers;

namespace LinuxVm.DocGen.Weave.Snippet;

/// <summary>Plugs the snippet directive into a Markdig pipeline and into <see cref="WeaveRenderer"/>.</summary>
public sealed class SnippetExtension : IMarkdownExtension
{
    /// <inheritdoc/>
    public void Setup(MarkdownPipelineBuilder pipeline) => pipeline.BlockParsers.AddIfNotAlready<SnippetParser>();

    /// <inheritdoc/>
    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is WeaveRenderer weave)
            weave.ObjectRenderers.AddIfNotAlready<SnippetRenderer>();
    }
}
