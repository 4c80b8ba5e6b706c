using System.Text;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;

namespace LinuxVm.DocGen.Reference;

/// <summary>
/// The kernel index: every ported identifier (functions, structs and fields, macros, constants,
/// flags, variables) with its C# symbol and the chapters and commentary pages that mention it.
/// </summary>
public static class CrossReferencePage
{
    /// <summary>Builds the page; run it after every other page is woven so the mentions are complete.</summary>
    public static Page Build(WeaveContext context, IReadOnlyList<Page> pages)
    {
        string path = SiteMap.CrossReferencePage;
        var page = new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = "Kernel index" };
        var titles = pages.ToDictionary(p => p.SitePath, p => p.Title, StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# Kernel index\n\n");
        sb.Append("Every Linux 2.4.20 identifier the port carries, by kernel name: what kind it is, the kernel file it comes from, ")
          .Append("the C# symbol that ports it, and where the chapters and the commentary mention it. ")
          .Append("The line number after a kernel file links to the definition in the original C at commit 426c5ed. ")
          .Append($"{context.Index.All.Count} identifiers, {context.Graph.Nodes.Count} of them functions with call graphs. ")
          .Append("The whole call graph is also published as [callgraph.json](../callgraph.json).\n\n");
        var byKind = context.Index.All.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Count());
        sb.Append(string.Join(" \u00b7 ", Enum.GetValues<KernelKind>().Select(k => $"{byKind.GetValueOrDefault(k)} {Plural(k)}"))).Append("\n\n");
        // The wrapper gives the table fixed column widths (main.css), so it fits the column.
        sb.Append("<div class=\"lvm-index\">\n\n");
        sb.Append("| Kernel name | Kind | Kernel file | C# | Mentioned in |\n|---|---|---|---|---|\n");
        foreach (var e in context.Index.All.OrderBy(e => e.Name.TrimStart('_'), StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.File, StringComparer.Ordinal))
        {
            var (home, anchor) = context.Map.HomeOf(e);
            var mentions = context.MentionsOf(e).Where(p => p != home || true).Select(p => $"[{ReferencePages.Cell(titles.GetValueOrDefault(p, p))}]({SiteMap.Link(path, p, null, html: false)})");
            sb.Append("| <a id=\"").Append(SiteMap.IndexAnchor(e)).Append("\"></a>[`").Append(e.Name).Append("`](").Append(SiteMap.Link(path, home, anchor, html: false)).Append(") | ")
              .Append(e.Kind.ToString().ToLowerInvariant()).Append(" | [").Append(e.File).Append("](")
              .Append(SiteMap.Link(path, SiteMap.ReferencePage(e.File), null, html: false)).Append(')')
              .Append(context.KernelLines.Url(e) is { } c ? $":[{context.KernelLines.LineOf(e.File, e.Name)}]({c} \"The original C in Linux 2.4.20\")" : "").Append(" | ")
              .Append(ReferencePages.CSharpLink(e, path)).Append(" | ")
              .Append(string.Join(", ", mentions)).Append(" |\n");
        }
        sb.Append("\n</div>\n");
        page.Woven = sb.ToString();
        return page;
    }

    private static string Plural(KernelKind k) => k switch
    {
        KernelKind.Function => "functions",
        KernelKind.Struct => "structs",
        KernelKind.Field => "fields",
        KernelKind.Constant => "constants and flags",
        _ => "variables",
    };
}
