using Markdig;
using Markdig.Renderers;

namespace LinuxVm.DocGen.Weave.Figure;

/// <summary>Plugs the figure directive into a Markdig pipeline and into <see cref="WeaveRenderer"/>.</summary>
public sealed class FigureExtension : IMarkdownExtension
{
    /// <inheritdoc/>
    public void Setup(MarkdownPipelineBuilder pipeline) => pipeline.BlockParsers.AddIfNotAlready<FigureParser>();

    /// <inheritdoc/>
    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is WeaveRenderer weave)
            weave.ObjectRenderers.AddIfNotAlready<FigureRenderer>();
    }
}
