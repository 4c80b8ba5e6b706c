using Markdig.Parsers;
using Markdig.Syntax;

namespace LinuxVm.DocGen.Weave.Directives;

/// <summary>
/// Opens a one-line directive block for lines starting with <c>:::name</c>, where name is the
/// directive this parser owns. Each directive's parser derives from this and says which
/// attributes it takes.
/// </summary>
/// <typeparam name="TBlock">The directive's block type.</typeparam>
public abstract class DirectiveParser<TBlock> : BlockParser where TBlock : DirectiveBlock
{
    /// <summary>Creates the parser, triggered by a colon.</summary>
    protected DirectiveParser() => OpeningCharacters = [':'];

    /// <summary>The directive's name.</summary>
    protected abstract string Name { get; }

    /// <summary>Attributes the directive accepts.</summary>
    protected abstract IReadOnlyCollection<string> Allowed { get; }

    /// <summary>Attributes it cannot do without.</summary>
    protected virtual IReadOnlyCollection<string> Required => [];

    /// <summary>Creates an empty block of the directive's type.</summary>
    protected abstract TBlock Create();

    /// <summary>Checks the meaning of the parsed attributes (values, combinations).</summary>
    protected virtual void Validate(TBlock block) { }

    /// <inheritdoc/>
    public override BlockState TryOpen(BlockProcessor processor)
    {
        if (processor.IsCodeIndent)
            return BlockState.None;
        string line = processor.Line.ToString();
        if (DirectiveSyntax.NameOf(line) != Name)
            return BlockState.None;
        var block = Create();
        block.Line = processor.LineIndex;
        block.Column = processor.Column;
        block.Span = new SourceSpan(processor.Start, processor.Line.End);
        DirectiveSyntax.Parse(line, block, Allowed, Required);
        if (block.Error is null)
            Validate(block);
        processor.NewBlocks.Push(block);
        return BlockState.BreakDiscard;
    }

    /// <summary>Checks that exactly one of <c>kernel=</c> and <c>csharp=</c> names the symbol.</summary>
    protected static void OneSymbol(DirectiveBlock block)
    {
        bool k = block.Attributes.ContainsKey("kernel"), c = block.Attributes.ContainsKey("csharp");
        if (k == c)
            DirectiveSyntax.Fail(block, 1, $":::{block.Name}::: names its symbol with exactly one of kernel=\"...\" or csharp=\"...\"");
        else if (c && block.Attributes.ContainsKey("file"))
            DirectiveSyntax.Fail(block, 1, $"file=\"...\" narrows a kernel name; it cannot go with csharp=\"...\"");
    }
}

/// <summary>Catches every other line starting with <c>:::</c> so that a typo fails the build instead of printing as text.</summary>
public sealed class InvalidDirectiveParser : BlockParser
{
    /// <summary>The directive names Weave knows, for the error message.</summary>
    public static readonly string[] Known = ["snippet", "callgraph", "figure", "exercises"];

    /// <summary>Creates the parser, triggered by a colon.</summary>
    public InvalidDirectiveParser() => OpeningCharacters = [':'];

    /// <inheritdoc/>
    public override BlockState TryOpen(BlockProcessor processor)
    {
        if (processor.IsCodeIndent)
            return BlockState.None;
        string line = processor.Line.ToString();
        if (!line.StartsWith(DirectiveSyntax.Fence, StringComparison.Ordinal))
            return BlockState.None;
        var block = new InvalidDirectiveBlock(this)
        {
            Line = processor.LineIndex,
            Column = processor.Column,
            Span = new SourceSpan(processor.Start, processor.Line.End),
        };
        string? name = DirectiveSyntax.NameOf(line);
        DirectiveSyntax.Fail(block, 1, name is null
            ? "malformed directive: expected :::name key=\"value\":::"
            : $"unknown directive ':::{name}'; the directives are {string.Join(", ", Known.Select(k => ":::" + k))}");
        processor.NewBlocks.Push(block);
        return BlockState.BreakDiscard;
    }
}

/// <summary>Registers <see cref="InvalidDirectiveParser"/> after every directive parser.</summary>
public sealed class InvalidDirectiveExtension : Markdig.IMarkdownExtension
{
    /// <inheritdoc/>
    public void Setup(Markdig.MarkdownPipelineBuilder pipeline) => pipeline.BlockParsers.AddIfNotAlready<InvalidDirectiveParser>();

    /// <inheritdoc/>
    public void Setup(Markdig.MarkdownPipeline pipeline, Markdig.Renderers.IMarkdownRenderer renderer)
    {
        if (renderer is WeaveRenderer weave)
            weave.ObjectRenderers.AddIfNotAlready<InvalidDirectiveRenderer>();
    }
}
