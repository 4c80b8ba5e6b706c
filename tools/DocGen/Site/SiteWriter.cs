using System.Text;
using System.Text.Json;
using LinuxVm.DocGen.Weave;

namespace LinuxVm.DocGen.Site;

/// <summary>
/// Stage 6, Site (first half): writes the docfx project — the woven pages, the TOCs in reading
/// order, <c>callgraph.json</c>, the template that adds our CSS, and <c>docfx.json</c> — into a
/// fresh folder.
/// </summary>
public static class SiteWriter
{
    /// <summary>Writes everything into <paramref name="dir"/> (emptied first).</summary>
    /// <param name="dir">The docfx project folder.</param>
    /// <param name="pages">Every page, woven.</param>
    /// <param name="callgraphJson">The call graph export.</param>
    /// <param name="apiAssemblies">Absolute paths of the port's built assemblies (with their XML docs) for the API reference.</param>
    /// <param name="output">Where docfx writes the site.</param>
    public static void Write(string dir, IReadOnlyList<Page> pages, string callgraphJson, IReadOnlyList<string> apiAssemblies, string output)
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
        if (apiAssemblies.Count > 0)
            root.Append("- name: API\n  href: api/\n").Append(Landing("api/index.md") ? "  topicHref: api/index.md\n" : "");
        Put(dir, "toc.yml", root.ToString());

        CopyTemplate(Path.Combine(dir, "template"));
        Put(dir, "docfx.json", DocfxJson(apiAssemblies, output));
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

    private static void CopyTemplate(string target)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Site", "template");
        foreach (string f in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(target, Path.GetRelativePath(source, f));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(f, dest, overwrite: true);
        }
    }

    private static string DocfxJson(IReadOnlyList<string> assemblies, string output)
    {
        var metadata = assemblies.Count == 0 ? new object[0] : new object[]
        {
            new Dictionary<string, object>
            {
                ["src"] = new[] { new Dictionary<string, object> { ["src"] = Path.GetDirectoryName(assemblies[0])!, ["files"] = assemblies.Select(Path.GetFileName).ToArray() } },
                ["dest"] = "api",
                ["includePrivateMembers"] = false,
            },
        };
        // Assemblies may sit in different folders: one src entry per folder.
        if (assemblies.Count > 0)
        {
            ((Dictionary<string, object>)metadata[0])["src"] = assemblies.GroupBy(Path.GetDirectoryName)
                .Select(g => new Dictionary<string, object> { ["src"] = g.Key!, ["files"] = g.Select(Path.GetFileName).ToArray() }).ToArray();
        }
        var config = new Dictionary<string, object>
        {
            ["metadata"] = metadata,
            ["build"] = new Dictionary<string, object>
            {
                ["content"] = new[] { new Dictionary<string, object> { ["files"] = new[] { "**/*.md", "**/toc.yml", "api/**.yml" }, ["exclude"] = new[] { "template/**", Weave.Pages.IndexPages.ApiOverwrites + "**" } } },
                // Links from each API page to the type's source and chapters (see IndexPages.Api).
                ["overwrite"] = new[] { new Dictionary<string, object> { ["files"] = new[] { Weave.Pages.IndexPages.ApiOverwrites + "**.md" } } },
                ["resource"] = new[] { new Dictionary<string, object> { ["files"] = new[] { "callgraph.json" } } },
                ["output"] = output,
                ["template"] = new[] { "default", "modern", "template" },
                // The pages are generated, so git history per file means nothing and costs a git call each.
                ["disableGitFeatures"] = true,
                ["globalMetadata"] = new Dictionary<string, object>
                {
                    ["_appTitle"] = "Linux VM companion",
                    ["_appName"] = "Linux VM companion",
                    ["_appFooter"] = "Linux VM companion \u2014 a C# port of Linux 2.4.20 mm/, GPL-2.0-only.",
                    ["_enableSearch"] = true,
                    ["_disableContribution"] = true,
                    ["_disableBreadcrumb"] = false,
                    ["_lang"] = "en",
                },
            },
        };
        return JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
