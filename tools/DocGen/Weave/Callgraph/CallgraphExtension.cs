using Markdig;
using Markdig.Renderers;

namespace LinuxVm.DocGen.Weave.Callgraph;

/// <summary>Plugs the callgraph directive into a Markdig pipeline and into <see cref="WeaveRenderer"/>.</summary>
public sealed class CallgraphExtension : IMarkdownExtension
{
    /// <inheritdoc/>
    public void Setup(MarkdownPipelineBuilder pipeline) => pipeline.BlockParsers.AddIfNotAlready<CallgraphParser>();

    /// <inheritdoc/>
    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is WeaveRenderer weave)
            weave.ObjectRenderers.AddIfNotAlready<CallgraphRenderer>();
    }
}
