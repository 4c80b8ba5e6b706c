using System.Net;
using System.Text;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;
using LinuxVm.DocGen.Weave.Callgraph;
using LinuxVm.DocGen.Weave.Snippet;
using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Reference;

/// <summary>
/// One generated page per ported kernel file: a section per function (C# name, summary, API link,
/// code, callee and caller graphs) and a table of its structs, fields, constants and variables.
/// Every ported function has its graphs here, or in its commentary section when it has one.
/// </summary>
public static class ReferencePages
{
    /// <summary>The reference pages of every kernel file the port carries identifiers from.</summary>
    public static List<Page> Build(WeaveContext context, IReadOnlyList<Page> commentary, FileLinks links)
    {
        var pages = new List<Page>();
        foreach (var group in context.Index.All.GroupBy(e => e.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string path = SiteMap.ReferencePage(group.Key);
            var page = new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = group.Key };
            context.Page = page;
            var sb = new StringBuilder();
            sb.Append("# ").Append(group.Key).Append("\n\n");
            var classes = group.Select(e => e.Symbol is INamedTypeSymbol t ? t : e.Symbol.ContainingType).Where(t => t is not null)
                .Select(t => t!.Name).Distinct().Order(StringComparer.Ordinal).ToList();
            sb.Append("Everything the port carries from `").Append(group.Key).Append("`, by kernel name");
            if (classes.Count > 0)
                sb.Append(", ported in ").Append(string.Join(", ", classes.Select(c => $"`{c}`")));
            sb.Append(". Each function shows its code and its call graphs; the [kernel index](")
              .Append(SiteMap.Link(path, SiteMap.CrossReferencePage, null, html: false)).Append(") lists every identifier.\n\n");
            sb.Append("The original C is [").Append(group.Key).Append(" at 426c5ed](").Append(KernelLines.FileUrl(group.Key)).Append(").\n\n");
            string line = links.Line(path, links.ChaptersOf(group), links.CommentaryOf(group.Key) is { } comm ? [comm] : []);
            if (line.Length > 0)
                sb.Append(line).Append("\n\n");

            // In the C file's order, as a reader of the file meets them: a class split into
            // partial files would otherwise come out in the order of its file names. Names with
            // no known line keep their index order, after the rest.
            var inFileOrder = group.OrderBy(e => context.KernelLines.LineOf(e.File, e.Name) ?? int.MaxValue).ToList();
            var functions = inFileOrder.Where(e => e.Kind == KernelKind.Function).ToList();
            if (functions.Count > 0)
                sb.Append("## Functions\n\n");
            foreach (var e in functions)
                Function(context, e, sb, path);

            var rest = inFileOrder.Where(e => e.Kind != KernelKind.Function).ToList();
            if (rest.Count > 0)
            {
                sb.Append("## Data structures, fields, constants and variables\n\n");
                sb.Append("| Kernel name | Kind | C# | What it is |\n|---|---|---|---|\n");
                foreach (var e in rest)
                {
                    sb.Append("| <a id=\"").Append(NameRules.Anchor(e.Name)).Append("\"></a>")
                      .Append(context.KernelLines.Url(e) is { } c ? $"[`{e.Name}`]({c} \"The original C in Linux 2.4.20\")" : $"`{e.Name}`").Append(" | ")
                      .Append(e.Kind.ToString().ToLowerInvariant()).Append(" | ").Append(CSharpLink(e, path)).Append(" | ")
                      .Append(Cell(e.Summary)).Append(" |\n");
                }
                sb.Append('\n');
            }
            page.Woven = sb.ToString();
            pages.Add(page);
        }
        return pages;
    }

    private static void Function(WeaveContext context, KernelSymbol e, StringBuilder sb, string path)
    {
        var nodes = context.Map.NodesOf(e).ToList();
        if (nodes.Count == 0)
        {
            // A contract member with no implementation in the port yet.
            sb.Append("<a id=\"").Append(NameRules.Anchor(e.Name)).Append("\"></a>\n\n### ").Append(e.Name).Append("\n\n")
              .Append(CSharpLink(e, path)).Append(" \u2014 declared, no implementation in the port yet.\n\n");
            if (e.Summary.Length > 0)
                sb.Append(e.Summary).Append("\n\n");
            return;
        }
        foreach (var n in nodes)
        {
            string anchor = context.Map.AnchorOf(n);
            sb.Append("<a id=\"").Append(anchor).Append("\"></a>\n\n### ").Append(e.Name);
            if (nodes.Count > 1)
                sb.Append(" (").Append(n.CSharpName).Append(')');
            sb.Append("\n\n");
            sb.Append("C#: ").Append(CSharpLink(e.Symbol.Equals(n.Method, SymbolEqualityComparer.Default) ? e : null, path, n.Method)).Append(" in ")
              .Append('[').Append(n.SourceFile).Append(':').Append(n.Line).Append("](")
              .Append(SiteMap.Link(path, SiteMap.SourcePage(n.SourceFile), "L" + n.Line, html: false)).Append(")");
            context.LinkedSources.Add(n.SourceFile);
            if (context.Map.CommentaryOf(n) is { } comm)
                sb.Append(" \u00b7 explained in [the commentary](").Append(SiteMap.Link(path, comm, anchor, html: false)).Append(')');
            if (context.KernelLines.Url(e) is { } c)
                sb.Append(" \u00b7 the C: [").Append(e.File).Append(':').Append(context.KernelLines.LineOf(e.File, e.Name)).Append("](").Append(c).Append(')');
            sb.Append("\n\n");
            string summary = Indexer.Summary(n.Method);
            if (summary.Length > 0)
                sb.Append(summary).Append("\n\n");
            if (context.Map.CommentaryOf(n) is null)
            {
                string? html = SnippetRenderer.Html(context, n.Method, e, null, null, m => context.Errors.Add(n.SourceFile, n.Line, 1, m));
                if (html is not null)
                    sb.Append(html).Append('\n');
            }
            sb.Append("<div class=\"lvm-graph-pair\">\n");
            sb.Append(CallgraphRenderer.Figure(context, n, callees: true, depth: 1));
            sb.Append(CallgraphRenderer.Figure(context, n, callees: false, depth: 1));
            sb.Append("</div>\n\n");
        }
    }

    /// <summary>True when docfx's API reference has a page for the symbol (public or protected, in public types).</summary>
    public static bool InApi(ISymbol s)
    {
        for (var x = s; x is not null && x is not INamespaceSymbol; x = x.ContainingSymbol)
            if (x.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                return false;
        return true;
    }

    /// <summary>The C# name of a symbol as a Markdown link to its API entry (docfx checks the xref), or as code when it has none.</summary>
    public static string CSharpLink(KernelSymbol? e, string page, ISymbol? symbol = null)
    {
        symbol ??= e!.Symbol;
        string name = Indexer.CSharpName(symbol);
        string? docId = symbol.GetDocumentationCommentId();
        if (docId is null || !InApi(symbol))
            return $"`{name}`";
        return $"[`{name}`](xref:{Uid(docId).Replace("#", "%23", StringComparison.Ordinal)})";
    }

    /// <summary>docfx's uid of a documentation id.</summary>
    public static string Uid(string docId) => docId.Length > 2 && docId[1] == ':' ? docId[2..] : docId;

    /// <summary>Text safe inside a Markdown table cell.</summary>
    public static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    /// <summary>HTML-escaped text.</summary>
    public static string H(string s) => WebUtility.HtmlEncode(s);
}
