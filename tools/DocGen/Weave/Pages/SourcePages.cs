using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace LinuxVm.DocGen.Weave.Pages;

/// <summary>
/// A page per source file (the port and the exercises), highlighted, every line numbered and
/// addressable as <c>#L123</c>, so snippets and exercises can link to the exact line.
/// </summary>
public static class SourcePages
{
    /// <summary>The pages of <paramref name="files"/> (repository-relative).</summary>
    public static List<Page> Build(WeaveContext context, IEnumerable<string> files)
    {
        var trees = context.Sources.Trees.ToDictionary(t => t.FilePath, StringComparer.Ordinal);
        var pages = new List<Page>();
        foreach (string file in files.Distinct().Order(StringComparer.Ordinal))
        {
            var tree = trees.TryGetValue(file, out var t) ? t
                : CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(context.Sources.Root, file)), path: file);
            string path = SiteMap.SourcePage(file);
            int count = tree.GetText().Lines.Count;
            var lines = count == 0 ? [] : CodeHtml.Lines(tree, 0, count - 1);
            var sb = new StringBuilder();
            sb.Append("# ").Append(file).Append("\n\n");
            sb.Append("<pre class=\"lvm-code lvm-source\"><code class=\"nohighlight\">");
            for (int i = 0; i < lines.Count; i++)
                sb.Append("<span class=\"l\" id=\"L").Append(i + 1).Append("\"><a class=\"ln\" href=\"#L").Append(i + 1).Append("\">")
                  .Append(i + 1).Append("</a>").Append(lines[i]).Append("</span>\n");
            sb.Append("</code></pre>\n");
            pages.Add(new Page { Source = path, SitePath = path, Kind = PageKind.Generated, Text = "", Title = file, Woven = sb.ToString() });
        }
        return pages;
    }
}
