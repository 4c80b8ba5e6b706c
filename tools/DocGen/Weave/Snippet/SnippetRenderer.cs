using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LinuxVm.DocGen.Weave.Snippet;

/// <summary>
/// Writes a snippet as an HTML block: a header naming the kernel identifier and linking to the
/// source line, then the code with its real line numbers, highlighted from Roslyn's tokens, calls
/// to other ported functions linked to their sections. Part markers are left out.
/// </summary>
public sealed partial class SnippetRenderer : DirectiveRenderer<SnippetBlock>
{
    /// <inheritdoc/>
    protected override string? Render(WeaveContext context, SnippetBlock block, Action<string> fail)
    {
        if (context.Resolve(block.Kernel, block.File, block.CSharp, fail) is not var (symbol, kernel))
            return null;
        if (kernel is not null)
            context.Mention(kernel);
        var node = context.Graph.Of(symbol);
        string? anchor = null;
        if (block.Part is null && node is not null && context.Map.CommentaryOf(node) == context.Page.SitePath)
            anchor = context.Map.AnchorOf(node);
        string? html = Html(context, symbol, kernel, block.Part, anchor, fail);
        if (html is not null && anchor is not null)
        {
            // The function's home: its call graphs go with it.
            html += "<details class=\"lvm-graphs\"><summary>Call graphs of <code>" + System.Net.WebUtility.HtmlEncode(node!.Kernel.Name) + "</code></summary>\n" +
                    Callgraph.CallgraphRenderer.Figure(context, node, callees: true, depth: 1) +
                    Callgraph.CallgraphRenderer.Figure(context, node, callees: false, depth: 1) + "</details>\n";
        }
        return html;
    }

    /// <summary>The snippet HTML of <paramref name="symbol"/> (or its part), for the current page.</summary>
    public static string? Html(WeaveContext context, ISymbol symbol, KernelSymbol? kernel, string? part, string? anchor, Action<string> fail)
    {
        var decl = Declaration(symbol);
        if (decl is null)
        {
            fail($"{symbol.ToDisplayString()} has no source to show");
            return null;
        }
        var tree = decl.SyntaxTree;
        var text = tree.GetText();
        int first = text.Lines.GetLineFromPosition(decl.Span.Start).LineNumber;
        int last = text.Lines.GetLineFromPosition(decl.Span.End).LineNumber;
        var markers = new HashSet<int>();
        var parts = new List<(string Name, int Start, int End)>();
        var open = new Stack<(string Name, int Line)>();
        for (int i = first; i <= last; i++)
        {
            string line = text.Lines[i].ToString();
            var m = RegionStart().Match(line);
            if (m.Success)
            {
                open.Push((m.Groups[1].Value, i));
                markers.Add(i);
            }
            else if (RegionEnd().IsMatch(line) && open.Count > 0)
            {
                var (name, start) = open.Pop();
                parts.Add((name, start + 1, i - 1));
                markers.Add(i);
            }
        }
        if (part is not null)
        {
            var found = parts.Where(p => p.Name == part).ToList();
            if (found.Count != 1)
            {
                fail(found.Count == 0
                    ? $"{symbol.Name} has no part '{part}'" + (parts.Count > 0 ? $"; its parts are {string.Join(", ", parts.Select(p => p.Name))}" : "; mark one with // #region name ... // #endregion")
                    : $"{symbol.Name} marks part '{part}' {found.Count} times");
                return null;
            }
            (first, last) = (found[0].Start, found[0].End);
            if (last < first)
            {
                fail($"part '{part}' of {symbol.Name} is empty");
                return null;
            }
        }

        var model = context.Sources.Model(tree);
        string page = context.Page.SitePath;
        var html = CodeHtml.Lines(tree, first, last, model, s =>
        {
            if (context.Graph.Of(s) is { } n && !SymbolEqualityComparer.Default.Equals(n.Method, symbol))
            {
                var (p, a) = context.Map.HomeOf(n);
                return (SiteMap.Link(page, p, a, html: false), $"{n.Kernel.Name} ({n.Kernel.File})");
            }
            return null;
        });
        // Dedent to the least-indented line shown.
        var shown = Enumerable.Range(first, last - first + 1).Where(i => !markers.Contains(i)).ToList();
        int indent = shown.Select(i => text.Lines[i].ToString()).Where(l => l.Trim().Length > 0)
            .Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();

        string file = tree.FilePath;
        context.LinkedSources.Add(file);
        int declLine = symbol.Locations.First(l => l.IsInSource).GetLineSpan().StartLinePosition.Line + 1;
        var sb = new StringBuilder();
        sb.Append("<div class=\"lvm-snippet\"");
        if (anchor is not null)
            sb.Append(" id=\"").Append(anchor).Append('"');
        sb.Append(" data-symbol=\"").Append(WebUtility.HtmlEncode(Indexer.CSharpName(symbol))).Append("\">\n");
        sb.Append("<div class=\"lvm-snippet-head\">");
        if (kernel is not null)
        {
            sb.Append("<code class=\"lvm-kname\">").Append(WebUtility.HtmlEncode(kernel.Name)).Append("</code> ");
            if (context.KernelLines.Url(kernel) is { } c)
                sb.Append("<a class=\"lvm-kfile lvm-c\" href=\"").Append(WebUtility.HtmlEncode(c)).Append("\" title=\"The original C in Linux 2.4.20\">")
                  .Append(WebUtility.HtmlEncode(kernel.File)).Append(':').Append(context.KernelLines.LineOf(kernel.File, kernel.Name)).Append("</a>");
            else
                sb.Append("<span class=\"lvm-kfile\">").Append(WebUtility.HtmlEncode(kernel.File)).Append("</span>");
        }
        else
            sb.Append("<code class=\"lvm-kname\">").Append(WebUtility.HtmlEncode(Indexer.CSharpName(symbol))).Append("</code>");
        if (part is not null)
            sb.Append(" <span class=\"lvm-part\">part ").Append(WebUtility.HtmlEncode(part)).Append("</span>");
        sb.Append(" <a class=\"lvm-src\" href=\"").Append(SiteMap.Link(page, SiteMap.SourcePage(file), "L" + (first + 1), html: false)).Append("\">")
          .Append(WebUtility.HtmlEncode(file)).Append(':').Append(part is null ? declLine : first + 1).Append("</a>");
        sb.Append("</div>\n");
        sb.Append("<pre class=\"lvm-code\"><code class=\"nohighlight\">");
        for (int i = first; i <= last; i++)
        {
            if (markers.Contains(i))
                continue;
            string line = html[i - first];
            line = Dedent(line, indent);
            sb.Append("<span class=\"l\"><span class=\"ln\">").Append(i + 1).Append("</span>").Append(line).Append("</span>\n");
        }
        sb.Append("</code></pre>\n</div>\n");
        return sb.ToString();
    }

    /// <summary>The syntax to show for a symbol: the declaration with a body, attributes included, doc comment left out.</summary>
    public static SyntaxNode? Declaration(ISymbol symbol)
    {
        var refs = symbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).ToList();
        var node = refs.FirstOrDefault(r => r is BaseMethodDeclarationSyntax { Body: not null } or BaseMethodDeclarationSyntax { ExpressionBody: not null })
                   ?? refs.FirstOrDefault();
        return node switch
        {
            VariableDeclaratorSyntax v => v.Parent?.Parent, // the whole field declaration
            _ => node,
        };
    }

    // Removes up to `indent` leading spaces from an HTML line (spaces are never inside a tag at line start).
    private static string Dedent(string line, int indent)
    {
        int i = 0;
        while (i < indent && i < line.Length && line[i] == ' ')
            i++;
        if (i == 0 && line.StartsWith("<span class=\"c\">", StringComparison.Ordinal))
        {
            const string open = "<span class=\"c\">";
            int j = open.Length;
            while (j - open.Length < indent && j < line.Length && line[j] == ' ')
                j++;
            return open + line[j..];
        }
        return line[i..];
    }

    [GeneratedRegex(@"^\s*(?://\s*)?#region\s+(\S+)\s*$")]
    private static partial Regex RegionStart();

    [GeneratedRegex(@"^\s*(?://\s*)?#endregion\b")]
    private static partial Regex RegionEnd();
}
