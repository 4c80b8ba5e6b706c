using System.Text;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LinuxVm.DocGen.Reference;

/// <summary>
/// A page per source file (the port and the exercises), highlighted, every line numbered and
/// addressable as <c>#L123</c>, so snippets and exercises can link to the exact line. Under the
/// title, the chapters and the commentary that explain the file. In the code, every use of a
/// ported kernel identifier links to its definition, and the name in each definition links to
/// the identifier's entry in the kernel index (which leads on to its explanation).
/// </summary>
public static class SourcePages
{
    /// <summary>The pages of <paramref name="files"/> (repository-relative).</summary>
    public static List<Page> Build(WeaveContext context, IEnumerable<string> files, FileLinks links)
    {
        var trees = context.Sources.Trees.ToDictionary(t => t.FilePath, StringComparer.Ordinal);
        var pages = new List<Page>();
        foreach (string file in files.Distinct().Order(StringComparer.Ordinal))
        {
            bool ported = trees.TryGetValue(file, out var tree);
            tree ??= CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(context.Sources.Root, file)), path: file);
            string path = SiteMap.SourcePage(file);
            int count = tree.GetText().Lines.Count;
            var lines = count == 0 ? [] : ported
                ? CodeHtml.Lines(tree, 0, count - 1, context.Sources.Model(tree), s => Use(context, path, s), s => Definition(context, path, s))
                : CodeHtml.Lines(tree, 0, count - 1);
            var sb = new StringBuilder();
            sb.Append("# ").Append(file).Append("\n\n");
            var kernelFiles = links.KernelFilesOf(file);
            if (kernelFiles.Count > 0)
            {
                sb.Append("Ports ").Append(string.Join(", ", kernelFiles.Select(k =>
                    $"[{k}]({SiteMap.Link(path, SiteMap.ReferencePage(k), null, html: false)})"))).Append(". ");
                string line = links.Line(path, links.ChaptersOf(context.Index.All.Where(e => e.SourceFile == file)),
                    kernelFiles.Select(links.CommentaryOf).OfType<Page>());
                sb.Append(line).Append("\n\n");
            }
            sb.Append("<pre class=\"lvm-code lvm-source\"><code class=\"nohighlight\">");
            for (int i = 0; i < lines.Count; i++)
                sb.Append("<span class=\"l\" id=\"L").Append(i + 1).Append("\"><a class=\"ln\" href=\"#L").Append(i + 1).Append("\">")
                  .Append(i + 1).Append("</a>").Append(lines[i]).Append("</span>\n");
            sb.Append("</code></pre>\n");
            pages.Add(new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = file, Woven = sb.ToString() });
        }
        return pages;
    }

    // A use of a ported identifier goes to its definition (in this file or another).
    private static (string Href, string Title)? Use(WeaveContext context, string page, ISymbol s)
    {
        if (context.Index.BySymbol(s) is not [var e, ..])
            return null;
        return (SiteMap.Link(page, SiteMap.SourcePage(e.SourceFile), "L" + e.Line, html: false), $"{e.Name} ({e.File}): its definition");
    }

    // The name in a definition goes to the identifier's kernel index entry.
    private static (string Href, string Title)? Definition(WeaveContext context, string page, ISymbol s)
    {
        if (context.Index.BySymbol(s) is not [var e, ..])
            return null;
        return (SiteMap.Link(page, SiteMap.CrossReferencePage, SiteMap.IndexAnchor(e), html: false), $"{e.Name} ({e.File}) in the kernel index");
    }
}
