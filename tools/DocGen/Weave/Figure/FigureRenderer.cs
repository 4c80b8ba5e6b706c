using System.Net;
using System.Text;

namespace LinuxVm.DocGen.Weave.Figure;

/// <summary>
/// Writes a figure's output as preformatted text (an SVG figure is put inline), with the method
/// that made it named under it so a reader can run it too.
/// </summary>
public sealed class FigureRenderer : DirectiveRenderer<FigureBlock>
{
    /// <inheritdoc/>
    protected override string? Render(WeaveContext context, FigureBlock block, Action<string> fail)
    {
        var (output, error) = context.Figures.Run(block.Run);
        if (error is not null)
        {
            fail(error);
            return null;
        }
        string body = output!.Replace("\r\n", "\n").TrimEnd('\n');
        var sb = new StringBuilder();
        sb.Append("<div class=\"lvm-figure\" data-run=\"").Append(WebUtility.HtmlEncode(block.Run)).Append("\">\n");
        if (body.TrimStart().StartsWith("<svg", StringComparison.Ordinal))
        {
            foreach (string line in body.Split('\n').Where(l => l.Trim().Length > 0))
                sb.Append(line).Append('\n');
        }
        else
        {
            // Blank lines would end the HTML block, so each line is its own span (as in snippets).
            sb.Append("<pre class=\"lvm-figure-text\"><code class=\"nohighlight\">");
            foreach (string line in body.Split('\n'))
                sb.Append("<span class=\"fl\">").Append(WebUtility.HtmlEncode(line)).Append("</span>\n");
            sb.Append("</code></pre>\n");
        }
        sb.Append("<div class=\"lvm-figure-caption\">");
        if (block.Caption is { } caption)
            sb.Append(WebUtility.HtmlEncode(caption)).Append(' ');
        sb.Append("<span class=\"lvm-figure-run\">Output of <code>").Append(WebUtility.HtmlEncode(block.Run)).Append("()</code>, run when the site was built.</span></div>\n</div>\n");
        return sb.ToString();
    }
}
