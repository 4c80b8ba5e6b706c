using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave;

namespace LinuxVm.DocGen.Reference;

/// <summary>
/// Stage 5, Reference: the pages DocGen writes itself from the port and what weaving recorded,
/// rather than from a page someone wrote: one page per kernel file (<c>reference/mm/*.c</c>), the
/// kernel index, the home page, the landing pages of Commentary, Source and API with the API
/// pages' overwrites, and a highlighted page per source file that any page links to. It runs
/// after Weave, because which chapters explain a file or a function is what the woven chapters
/// mention; the graphs it asks for are drawn by Render like the chapters' own.
/// </summary>
public static class ReferenceStage
{
    /// <summary>The generated pages for the woven <paramref name="pages"/>; <paramref name="api"/> adds the API landing page and overwrites.</summary>
    public static List<Page> Build(WeaveContext context, IReadOnlyList<Page> pages, bool api)
    {
        var chapters = pages.Where(p => p.Kind == PageKind.Chapter).OrderBy(p => p.Chapter ?? int.MaxValue).ToList();
        var commentary = pages.Where(p => p.Kind == PageKind.Commentary).ToList();
        var links = new FileLinks(context, chapters, commentary);
        var made = new List<Page>();
        made.AddRange(ReferencePages.Build(context, commentary, links));
        made.Add(CrossReferencePage.Build(context, pages));
        made.Add(HomePage.Build(context, chapters, commentary));
        if (commentary.Count > 0)
            made.Add(IndexPages.Commentary(context, commentary, links));
        if (api)
            made.AddRange(IndexPages.Api(context, links));
        foreach (var t in context.Sources.Trees)
            context.LinkedSources.Add(t.FilePath);
        made.AddRange(SourcePages.Build(context, context.LinkedSources, links));
        made.Add(IndexPages.Source(context.LinkedSources.ToList(), links));
        return made;
    }
}
