using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;

namespace LinuxVm.DocGen.Reference;

/// <summary>
/// Which chapters and which commentary page go with a kernel file or a source file, so the
/// generated pages (source views, kernel file pages, API pages) can link back to the prose.
/// Run it after the chapters are woven: it reads what each chapter mentions.
/// </summary>
public sealed class FileLinks(WeaveContext context, IReadOnlyList<Page> chapters, IReadOnlyList<Page> commentary)
{
    /// <summary>
    /// The chapters that explain <paramref name="entries"/>: those that mention the most of them,
    /// first the one that mentions most, then any other that mentions at least half as many.
    /// </summary>
    public IReadOnlyList<Page> ChaptersOf(IEnumerable<KernelSymbol> entries)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in entries)
            foreach (string p in context.MentionsOf(e))
                counts[p] = counts.GetValueOrDefault(p) + 1;
        var ranked = chapters.Where(c => counts.ContainsKey(c.SitePath))
            .Select(c => (Page: c, Count: counts[c.SitePath]))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Page.Chapter ?? int.MaxValue).ToList();
        if (ranked.Count == 0)
            return [];
        int best = ranked[0].Count;
        return ranked.Where(x => 2 * x.Count >= best).Select(x => x.Page).OrderBy(p => p.Chapter ?? int.MaxValue).ToList();
    }

    /// <summary>The chapters that mention any of <paramref name="entries"/>, in chapter order.</summary>
    public IReadOnlyList<Page> ChaptersMentioning(IEnumerable<KernelSymbol> entries)
    {
        var pages = entries.SelectMany(context.MentionsOf).ToHashSet(StringComparer.Ordinal);
        return chapters.Where(c => pages.Contains(c.SitePath)).OrderBy(c => c.Chapter ?? int.MaxValue).ToList();
    }

    /// <summary>The commentary page that walks through <paramref name="kernelFile"/> (named for it: mm/page_alloc.c has commentary/page_alloc.md), or null.</summary>
    public Page? CommentaryOf(string kernelFile)
    {
        string stem = Path.GetFileNameWithoutExtension(kernelFile);
        return commentary.FirstOrDefault(c => Path.GetFileNameWithoutExtension(c.SitePath) == stem);
    }

    /// <summary>The kernel files a source file ports identifiers from, the one with most identifiers first.</summary>
    public IReadOnlyList<string> KernelFilesOf(string sourceFile) =>
        context.Index.All.Where(e => e.SourceFile == sourceFile).GroupBy(e => e.File)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();

    /// <summary>
    /// A Markdown line for page <paramref name="from"/>: "Explained in chapter N, Title (and ...); walked
    /// through in the commentary X", or "" when there is neither.
    /// </summary>
    public string Line(string from, IReadOnlyList<Page> chaptersOf, IEnumerable<Page> commentaryOf)
    {
        var parts = new List<string>();
        if (chaptersOf.Count > 0)
            parts.Add("Explained in " + string.Join(" and ", chaptersOf.Select(c => $"[{Label(c)}]({SiteMap.Link(from, c.SitePath, null, html: false)})")));
        var comm = commentaryOf.Distinct().ToList();
        if (comm.Count > 0)
            parts.Add((parts.Count == 0 ? "Walked through" : "walked through") + " in the commentary " +
                      string.Join(" and ", comm.Select(c => $"[{c.Title}]({SiteMap.Link(from, c.SitePath, null, html: false)})")));
        return parts.Count == 0 ? "" : string.Join("; ", parts) + ".";
    }

    /// <summary>"chapter 3, Physical page allocation".</summary>
    public static string Label(Page chapter) =>
        chapter.Chapter is int n ? $"chapter {n}, {chapter.Title.TrimStart("0123456789. ".ToCharArray())}" : chapter.Title;
}
