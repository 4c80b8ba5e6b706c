using Markdig;
using Markdig.Renderers;

namespace LinuxVm.DocGen.Weave.Exercises;

/// <summary>Plugs the exercises directive into a Markdig pipeline and into <see cref="WeaveRenderer"/>.</summary>
public sealed class ExercisesExtension : IMarkdownExtension
{
    /// <inheritdoc/>
    public void Setup(MarkdownPipelineBuilder pipeline) => pipeline.BlockParsers.AddIfNotAlready<ExercisesParser>();

    /// <inheritdoc/>
    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is WeaveRenderer weave)
            weave.ObjectRenderers.AddIfNotAlready<ExercisesRenderer>();
    }
}
