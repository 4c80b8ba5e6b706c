using System.Text;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;
using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Reference;

/// <summary>
/// The landing pages of the top navigation (Commentary, Source, API), so a reader who clicks one
/// sees what the section holds instead of its first file, and the API pages' links back to the
/// source and the chapters (docfx "overwrite" files, merged into the generated API pages).
/// </summary>
public static class IndexPages
{
    /// <summary>The folder of the API overwrite files (docfx reads them as overwrites, not as pages).</summary>
    public const string ApiOverwrites = "apidoc/";

    /// <summary><c>commentary/index.md</c>: each commentary page with its kernel file, the C and its chapters.</summary>
    public static Page Commentary(WeaveContext context, IReadOnlyList<Page> commentary, FileLinks links)
    {
        const string path = "commentary/index.md";
        var sb = new StringBuilder("# Commentary\n\n");
        sb.Append("The port read file by file: each page takes one kernel file in the order of the C, the prose on the left and ")
          .Append("the C# on the right (stacked on a narrow screen). The chapters tell the story; the commentary is for reading the code itself.\n\n");
        sb.Append("| Kernel file | The original C | Chapters |\n|---|---|---|\n");
        foreach (var c in commentary.OrderBy(c => c.Title, StringComparer.Ordinal))
        {
            string? file = Weaver.KernelFileOf(context, c);
            var chapters = file is null ? [] : links.ChaptersOf(context.Index.All.Where(e => e.File == file));
            sb.Append("| [").Append(ReferencePages.Cell(c.Title)).Append("](").Append(SiteMap.Link(path, c.SitePath, null, html: false)).Append(") | ")
              .Append(file is null ? "" : $"[{file}]({KernelLines.FileUrl(file)})").Append(" | ")
              .Append(string.Join(", ", chapters.Select(ch => $"[{ch.Chapter}]({SiteMap.Link(path, ch.SitePath, null, html: false)})"))).Append(" |\n");
        }
        return new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = "Commentary", Woven = sb.ToString() };
    }

    /// <summary><c>source/index.md</c>: every source file with a page, by folder, with the kernel files it ports.</summary>
    public static Page Source(IReadOnlyList<string> files, FileLinks links)
    {
        const string path = "source/index.md";
        var sb = new StringBuilder("# Source\n\n");
        sb.Append("Every file of the port and of the exercises, highlighted, each line numbered and linkable. In the code, a ported ")
          .Append("kernel identifier links to its definition, and the name in a definition links to its entry in the kernel index.\n\n");
        foreach (var dir in files.Distinct().Order(StringComparer.Ordinal).GroupBy(f => Path.GetDirectoryName(f)!.Replace('\\', '/')))
        {
            sb.Append("## ").Append(dir.Key).Append("\n\n");
            foreach (string f in dir)
            {
                sb.Append("- [").Append(Path.GetFileName(f)).Append("](").Append(SiteMap.Link(path, SiteMap.SourcePage(f), null, html: false)).Append(')');
                var k = links.KernelFilesOf(f);
                if (k.Count > 0)
                    sb.Append(": ").Append(string.Join(", ", k));
                sb.Append('\n');
            }
            sb.Append('\n');
        }
        return new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = "Source", Woven = sb.ToString() };
    }

    /// <summary>
    /// <c>api/index.md</c> and one overwrite per public type that ports kernel identifiers: the
    /// type's API page then says which kernel files it ports and links to its source and chapters,
    /// and each of its members that ports a kernel identifier links to that identifier's entry in
    /// the kernel index, its line in the C, its own source line and its chapters.
    /// </summary>
    public static List<Page> Api(WeaveContext context, FileLinks links)
    {
        var pages = new List<Page>();
        var types = context.Index.All
            .Select(e => e.Symbol as INamedTypeSymbol ?? e.Symbol.ContainingType)
            .Where(t => t is not null && ReferencePages.InApi(t) && t.GetDocumentationCommentId() is not null)
            .Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default)
            .OrderBy(t => t.GetDocumentationCommentId(), StringComparer.Ordinal).ToList();

        const string index = "api/index.md";
        var sb = new StringBuilder("# API\n\n");
        sb.Append("The C# types and members of the port with their XML documentation. The types that port kernel code, ")
          .Append("with the kernel files they come from:\n\n| C# type | Kernel files | Source |\n|---|---|---|\n");
        foreach (var t in types)
        {
            var entries = EntriesOf(context, t);
            string uid = ReferencePages.Uid(t.GetDocumentationCommentId()!);
            var sources = SourcesOf(t);
            sb.Append("| [`").Append(t.Name).Append("`](xref:").Append(uid).Append(") | ")
              .Append(string.Join(", ", entries.Select(e => e.File).Distinct().Order(StringComparer.Ordinal)
                  .Select(f => $"[{f}]({SiteMap.Link(index, SiteMap.ReferencePage(f), null, html: false)})"))).Append(" | ")
              .Append(string.Join(", ", sources.Select(s => $"[{Path.GetFileName(s.File)}]({SiteMap.Link(index, SiteMap.SourcePage(s.File), "L" + s.Line, html: false)})"))).Append(" |\n");

            string path = ApiOverwrites + uid + ".md";
            var o = new StringBuilder();
            o.Append("---\nuid: ").Append(uid).Append("\nconceptual: *content\n---\n\n");
            o.Append("Ports ").Append(string.Join(", ", entries.Select(e => e.File).Distinct().Order(StringComparer.Ordinal)
                .Select(f => $"[{f}]({SiteMap.Link(path, SiteMap.ReferencePage(f), null, html: false)})")));
            o.Append(" \u00b7 source: ").Append(string.Join(", ", sources.Select(s => $"[{s.File}]({SiteMap.Link(path, SiteMap.SourcePage(s.File), "L" + s.Line, html: false)})")));
            string line = links.Line(path, links.ChaptersOf(entries), entries.Select(e => e.File).Distinct().Select(links.CommentaryOf).OfType<Page>());
            if (line.Length > 0)
                o.Append(" \u00b7 ").Append(line);
            o.Append('\n');
            foreach (var (member, ported) in entries.Where(e => e.Symbol is not INamedTypeSymbol && ReferencePages.InApi(e.Symbol) && e.Symbol.GetDocumentationCommentId() is not null)
                         .GroupBy(e => e.Symbol, SymbolEqualityComparer.Default)
                         .Select(g => (Member: g.Key!, Ported: g.ToList()))
                         .OrderBy(m => m.Member.GetDocumentationCommentId(), StringComparer.Ordinal))
                Member(context, links, path, member, ported, o);
            foreach (var s in sources)
                context.LinkedSources.Add(s.File);
            pages.Add(new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = uid, Woven = o.ToString() });
        }
        pages.Insert(0, new Page { Source = index, SitePath = index, Kind = PageKind.Generated, Text = "", Title = "API", Woven = sb.ToString() });
        return pages;
    }

    /// <summary>
    /// One more section of a type's overwrite file, for a member that ports kernel identifiers: its
    /// API entry then links each kernel name to its row in the kernel index and to its line in
    /// the original C, the member to its line on the source page, and names the chapters that
    /// mention it and the commentary section that walks through it.
    /// </summary>
    private static void Member(WeaveContext context, FileLinks links, string path, ISymbol member, List<KernelSymbol> ported, StringBuilder o)
    {
        string uid = ReferencePages.Uid(member.GetDocumentationCommentId()!);
        o.Append("\n---\nuid: '").Append(uid.Replace("'", "''", StringComparison.Ordinal)).Append("'\nconceptual: *content\n---\n\n");
        var parts = new List<string>();
        foreach (var e in ported)
        {
            string part = $"Ports [`{e.Name}`]({SiteMap.Link(path, SiteMap.CrossReferencePage, SiteMap.IndexAnchor(e), html: false)} \"{e.Name} in the kernel index\") of {e.File}";
            if (context.KernelLines.Url(e) is { } c)
                part += $", the C at [{e.File}:{context.KernelLines.LineOf(e.File, e.Name)}]({c} \"The original C in Linux 2.4.20\")";
            parts.Add(part);
        }
        var first = ported[0];
        parts.Add($"source: [{first.SourceFile}:{first.Line}]({SiteMap.Link(path, SiteMap.SourcePage(first.SourceFile), "L" + first.Line, html: false)})");
        context.LinkedSources.Add(first.SourceFile);
        o.Append(string.Join(" \u00b7 ", parts));
        var home = ported.SelectMany(context.Map.NodesOf)
            .FirstOrDefault(n => SymbolEqualityComparer.Default.Equals(n.Method, member) && context.Map.CommentaryOf(n) is not null);
        // A chapter explains the member when it mentions it and is one of the chapters of its
        // kernel file; one that only mentions it in passing (chapter 0's tour) is named as such.
        var mentioning = links.ChaptersMentioning(ported);
        var ofFile = ported.Select(e => e.File).Distinct()
            .SelectMany(f => links.ChaptersOf(context.Index.All.Where(x => x.File == f))).ToHashSet();
        var explained = mentioning.Where(ofFile.Contains).ToList();
        var chapters = explained.Count > 0 ? explained : mentioning;
        if (chapters.Count > 0)
            o.Append(explained.Count > 0 ? " \u00b7 explained in " : " \u00b7 mentioned in ")
              .Append(string.Join(" and ", chapters.Select(ch => $"[{FileLinks.Label(ch)}]({SiteMap.Link(path, ch.SitePath, null, html: false)})")));
        if (home is not null)
            o.Append(" \u00b7 walked through in [the commentary](").Append(SiteMap.Link(path, context.Map.CommentaryOf(home)!, context.Map.AnchorOf(home), html: false)).Append(')');
        o.Append('\n');
    }

    private static List<KernelSymbol> EntriesOf(WeaveContext context, INamedTypeSymbol t) =>
        context.Index.All.Where(e => SymbolEqualityComparer.Default.Equals(e.Symbol as INamedTypeSymbol ?? e.Symbol.ContainingType, t)).ToList();

    private static List<(string File, int Line)> SourcesOf(INamedTypeSymbol t) =>
        t.Locations.Where(l => l.IsInSource && l.SourceTree is not null)
            .Select(l => (l.SourceTree!.FilePath, l.GetLineSpan().StartLinePosition.Line + 1))
            .OrderBy(x => x.FilePath, StringComparer.Ordinal).ToList();
}
