using System.Text;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;

namespace LinuxVm.DocGen.Reference;

/// <summary>The site's front page: what the companion is and the chapters in reading order.</summary>
public static class HomePage
{
    /// <summary>Builds <c>index.md</c>.</summary>
    public static Page Build(WeaveContext context, IReadOnlyList<Page> chapters, IReadOnlyList<Page> commentary)
    {
        var sb = new StringBuilder();
        sb.Append("# Linux VM companion\n\n");
        sb.Append("A literate companion to the virtual memory manager of Linux 2.4.20: chapters of prose beside a readable, ")
          .Append("runnable C# port of `mm/`, call graphs drawn from that port, figures made by running it, and exercises you run as tests. ")
          .Append("It follows Mel Gorman's book *Understanding the Linux Virtual Memory Manager* (Prentice Hall, 2004); ")
          .Append("the first chapter maps its chapters to the book's.\n\n");
        sb.Append("## Chapters, in reading order\n\n");
        foreach (var c in chapters)
            sb.Append("- [").Append(c.Title).Append("](").Append(c.SitePath).Append(")\n");
        if (chapters.Count == 0)
            sb.Append("*No chapters yet.*\n");
        sb.Append('\n');
        if (commentary.Count > 0)
        {
            sb.Append("## Commentary, file by file\n\n");
            foreach (var c in commentary)
                sb.Append("- [").Append(c.Title).Append("](").Append(c.SitePath).Append(")\n");
            sb.Append('\n');
        }
        sb.Append("## Reference\n\n");
        sb.Append($"- [Kernel index]({SiteMap.CrossReferencePage}): every one of the {context.Index.All.Count} ported kernel identifiers, its C# symbol and where it is explained.\n");
        sb.Append("- [API reference](xref:LinuxVm.Mm): the C# types and members with their XML documentation.\n");
        sb.Append("- [callgraph.json](callgraph.json): the call graph of the port, keyed by kernel name.\n");
        return new Page { Source = "index.md", SitePath = "index.md", Kind = PageKind.Generated, Text = "", Title = "Linux VM companion", Woven = sb.ToString() };
    }
}
