using Markdig.Renderers;
using Markdig.Syntax;
using LinuxVm.DocGen.Weave.Directives;

namespace LinuxVm.DocGen.Weave;

/// <summary>Marks a syntax node that Weave replaces by generated Markdown or HTML.</summary>
public interface IWovenNode;

/// <summary>
/// Renders a parsed page back to Markdown for docfx by splicing: the page's own text is kept
/// byte for byte, and each directive node is replaced by what its renderer writes (the
/// renderers are registered by the directives' extensions, as Markdig's HTML renderers are).
/// </summary>
public sealed class WeaveRenderer : TextRendererBase<WeaveRenderer>
{
    private readonly List<(int Start, int End, string Text)> _replacements = [];
    private string _source = "";

    /// <summary>Creates a renderer that weaves with <paramref name="context"/>.</summary>
    public WeaveRenderer(WeaveContext context) : base(new StringWriter()) => Context = context;

    /// <summary>The build's shared state and the current page.</summary>
    public WeaveContext Context { get; }

    /// <summary>The source text being woven.</summary>
    public string Source => _source;

    /// <summary>Prepares the replacements of <paramref name="document"/>, whose text is <paramref name="source"/>.</summary>
    public void Prepare(MarkdownDocument document, string source)
    {
        _source = source;
        _replacements.Clear();
        foreach (var node in document.Descendants())
        {
            if (node is not IWovenNode)
                continue;
            var saved = Writer;
            var sw = new StringWriter { NewLine = "\n" };
            Writer = sw;
            Write(node);
            Writer = saved;
            string text = sw.ToString();
            int start = node.Span.Start, end = node.Span.End + 1;
            if (node is DirectiveBlock)
                text = Indent(text, start);
            _replacements.Add((start, end, text));
        }
        _replacements.Sort((a, b) => a.Start.CompareTo(b.Start));
    }

    /// <summary>The source between <paramref name="start"/> and <paramref name="end"/> with its directives replaced.</summary>
    public string Slice(int start, int end)
    {
        var sb = new System.Text.StringBuilder();
        int pos = start;
        foreach (var (s, e, text) in _replacements)
        {
            if (s < start || e > end)
                continue;
            sb.Append(_source, pos, s - pos).Append(text);
            pos = e;
        }
        sb.Append(_source, pos, end - pos);
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override object Render(MarkdownObject markdownObject)
    {
        if (markdownObject is MarkdownDocument doc)
        {
            Prepare(doc, _source);
            Writer.Write(Slice(0, _source.Length));
        }
        else
        {
            Write(markdownObject);
        }
        return Writer;
    }

    /// <summary>Uses <paramref name="source"/> as the text the next <see cref="Render"/> splices.</summary>
    public void SetSource(string source) => _source = source;

    // A directive inside a list item or a quote: continuation lines need the same prefix.
    private string Indent(string text, int start)
    {
        int lineStart = _source.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
        if (start <= lineStart)
            return text.TrimEnd('\n');
        string prefix = new(_source[lineStart..start].Select(c => c == '>' || c == '\t' ? c : ' ').ToArray());
        return string.Join("\n" + prefix, text.TrimEnd('\n').Split('\n'));
    }
}

/// <summary>Renders one kind of directive block; a block that failed to parse reports its error instead.</summary>
/// <typeparam name="TBlock">The directive's block type.</typeparam>
public abstract class DirectiveRenderer<TBlock> : MarkdownObjectRenderer<WeaveRenderer, TBlock> where TBlock : DirectiveBlock
{
    /// <inheritdoc/>
    protected sealed override void Write(WeaveRenderer renderer, TBlock block)
    {
        if (block.Error is not null)
        {
            renderer.Context.Error(block.Line, block.Column + block.ErrorColumn - 1, block.Error);
            return;
        }
        string? text = Render(renderer.Context, block, message => renderer.Context.Error(block.Line, block.Column, message));
        if (text is not null)
            renderer.Write(text);
    }

    /// <summary>The Markdown or HTML replacing <paramref name="block"/>, or null after reporting through <paramref name="fail"/>.</summary>
    protected abstract string? Render(WeaveContext context, TBlock block, Action<string> fail);
}

/// <summary>Reports a line that starts like a directive but is none.</summary>
public sealed class InvalidDirectiveRenderer : DirectiveRenderer<InvalidDirectiveBlock>
{
    /// <inheritdoc/>
    protected override string? Render(WeaveContext context, InvalidDirectiveBlock block, Action<string> fail) => null;
}
