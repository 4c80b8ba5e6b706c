using System.Text;
using System.Text.Json;
using LinuxVm.DocGen.Model;

namespace LinuxVm.DocGen.Site;

/// <summary>
/// Stage 7, Site (first half): writes what docfx builds — the woven pages, the TOCs in reading
/// order and <c>callgraph.json</c> — into a fresh folder, the one the root's <c>docfx.json</c>
/// names as its content (which also names the template that adds our CSS).
/// </summary>
public static class SiteWriter
{
    /// <summary>Writes everything into <paramref name="dir"/> (emptied first).</summary>
    /// <param name="dir">The docfx project folder.</param>
    /// <param name="pages">Every page, woven.</param>
    /// <param name="callgraphJson">The call graph export.</param>
    /// <param name="api">Whether docfx.json's metadata adds an API reference (under api/) to link from the TOC.</param>
    public static void Write(string dir, IReadOnlyList<Page> pages, string callgraphJson, bool api)
    {
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        foreach (var p in pages)
            Put(dir, p.SitePath, p.Woven);
        Put(dir, "callgraph.json", callgraphJson);

        var chapters = pages.Where(p => p.Kind == PageKind.Chapter).OrderBy(p => p.Chapter ?? int.MaxValue).ThenBy(p => p.SitePath, StringComparer.Ordinal).ToList();
        var commentary = pages.Where(p => p.Kind == PageKind.Commentary).OrderBy(p => p.SitePath, StringComparer.Ordinal).ToList();
        var reference = pages.Where(p => p.SitePath.StartsWith("reference/", StringComparison.Ordinal) && p.SitePath != SiteMap.CrossReferencePage)
            .OrderBy(p => p.SitePath, StringComparer.Ordinal).ToList();
        var sources = pages.Where(p => p.SitePath.StartsWith("source/", StringComparison.Ordinal) && p.SitePath != "source/index.md").OrderBy(p => p.SitePath, StringComparer.Ordinal).ToList();
        bool Landing(string p) => pages.Any(x => x.SitePath == p);

        var root = new StringBuilder();
        if (chapters.Count > 0)
        {
            root.Append("- name: Chapters\n  href: chapters/\n");
            Put(dir, "chapters/toc.yml", Toc(chapters, "chapters/"));
        }
        if (commentary.Count > 0)
        {
            root.Append("- name: Commentary\n  href: commentary/\n").Append(Landing("commentary/index.md") ? "  topicHref: commentary/index.md\n" : "");
            Put(dir, "commentary/toc.yml", Toc(commentary, "commentary/"));
        }
        root.Append("- name: Kernel index\n  href: reference/\n");
        var refToc = new StringBuilder("- name: Kernel index\n  href: index.md\n");
        foreach (var p in reference)
            refToc.Append("- name: ").Append(Yaml(p.Title)).Append("\n  href: ").Append(p.SitePath["reference/".Length..]).Append('\n');
        Put(dir, "reference/toc.yml", refToc.ToString());
        if (sources.Count > 0)
        {
            root.Append("- name: Source\n  href: source/\n").Append(Landing("source/index.md") ? "  topicHref: source/index.md\n" : "");
            Put(dir, "source/toc.yml", Toc(sources, "source/"));
        }
        if (api)
            root.Append("- name: API\n  href: api/\n").Append(Landing("api/index.md") ? "  topicHref: api/index.md\n" : "");
        Put(dir, "toc.yml", root.ToString());
    }

    private static string Toc(IEnumerable<Page> pages, string prefix)
    {
        var sb = new StringBuilder();
        foreach (var p in pages)
        {
            string title = p.Kind == PageKind.Chapter && p.Chapter is int n && !char.IsDigit(p.Title.FirstOrDefault()) ? $"{n}. {p.Title}" : p.Title;
            sb.Append("- name: ").Append(Yaml(title)).Append("\n  href: ").Append(p.SitePath[prefix.Length..]).Append('\n');
        }
        return sb.ToString();
    }

    private static string Yaml(string s) => JsonSerializer.Serialize(s);

    private static void Put(string dir, string rel, string text)
    {
        string path = Path.Combine(dir, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
