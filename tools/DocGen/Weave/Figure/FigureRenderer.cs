using System.Net;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers;
using Markdig.Syntax;

namespace LinuxVm.DocGen.Weave.Figure;

/// <summary>
/// Writes a figure's output, with the method that made it named under it so a reader can run it
/// too. A figure method returns one of three things, and each is shown as what it is: an SVG
/// drawing (put inline), Markdown with a pipe table (rendered to HTML: tables as tables, any
/// fenced block as preformatted text, the rest as prose), or plain text (preformatted). Drawings,
/// tables and preformatted text sit in their own box that scrolls sideways when it is wider than
/// the column, so the page itself never does.
/// </summary>
public sealed class FigureRenderer : DirectiveRenderer<FigureBlock>
{
    private static readonly MarkdownPipeline Tables = new MarkdownPipelineBuilder().UsePipeTables().Build();

    /// <inheritdoc/>
    protected override string? Render(WeaveContext context, FigureBlock block, Action<string> fail)
    {
        var (output, error) = context.Figures.Run(block.Run);
        if (error is not null)
        {
            fail(error);
            return null;
        }
        var sb = new StringBuilder();
        sb.Append("<div class=\"lvm-figure\" data-run=\"").Append(WebUtility.HtmlEncode(block.Run)).Append("\">\n");
        sb.Append(Body(output!));
        sb.Append("<div class=\"lvm-figure-caption\">");
        if (block.Caption is { } caption)
            sb.Append(WebUtility.HtmlEncode(caption)).Append(' ');
        sb.Append("<span class=\"lvm-figure-run\">Output of <code>").Append(WebUtility.HtmlEncode(block.Run)).Append("()</code>, run when the site was built.</span></div>\n</div>\n");
        return sb.ToString();
    }

    /// <summary>
    /// The HTML of a figure's text, with no blank line in it (a blank line would end the raw HTML
    /// block in the page's Markdown and hand the rest back to the Markdown parser).
    /// </summary>
    public static string Body(string output)
    {
        string body = output.Replace("\r\n", "\n").TrimEnd('\n');
        var sb = new StringBuilder();
        if (body.TrimStart().StartsWith("<svg", StringComparison.Ordinal))
        {
            sb.Append("<div class=\"lvm-figure-svg\">\n");
            foreach (string line in body.Split('\n').Where(l => l.Trim().Length > 0))
                sb.Append(line).Append('\n');
            sb.Append("</div>\n");
            return sb.ToString();
        }
        var doc = Markdown.Parse(body, Tables);
        if (!doc.Descendants<Table>().Any() && !doc.Descendants<FencedCodeBlock>().Any())
        {
            Pre(sb, body.Split('\n'));
            return sb.ToString();
        }
        foreach (var b in doc)
        {
            switch (b)
            {
                case Table:
                    sb.Append("<div class=\"lvm-figure-table\">\n").Append(Html(b)).Append("</div>\n");
                    break;
                case CodeBlock code:
                    Pre(sb, code.Lines.Lines.Take(code.Lines.Count).Select(l => l.ToString()));
                    break;
                default:
                    sb.Append(Html(b));
                    break;
            }
        }
        return sb.ToString();
    }

    // Each line is its own span (as in snippets), so blank lines inside the text stay in the <pre>.
    private static void Pre(StringBuilder sb, IEnumerable<string> lines)
    {
        sb.Append("<pre class=\"lvm-figure-text\"><code class=\"nohighlight\">");
        foreach (string line in lines)
            sb.Append("<span class=\"fl\">").Append(WebUtility.HtmlEncode(line)).Append("</span>\n");
        sb.Append("</code></pre>\n");
    }

    private static string Html(Block b)
    {
        using var w = new StringWriter();
        var r = new HtmlRenderer(w);
        Tables.Setup(r);
        r.Render(b);
        w.Flush();
        string html = w.ToString().Replace("\r\n", "\n");
        return string.Concat(html.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l + "\n"));
    }
}
