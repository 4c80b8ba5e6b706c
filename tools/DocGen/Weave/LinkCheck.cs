using System.Text.RegularExpressions;
using LinuxVm.DocGen.Diagnostics;
using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

using LinuxVm.DocGen.Model;

namespace LinuxVm.DocGen.Weave;

/// <summary>
/// Checks the Markdown links the chapters and commentary write themselves: a relative link must
/// lead to a page (or file) of the site, else the build fails at the link's file:line:column.
/// Links with a scheme (https:, mailto:) and site-absolute links (/...) are not checked. The anchor
/// after '#' is checked when the link leads to a page written by hand (or within the page): it
/// must be the id of one of that page's headings, as the site generator will make it, or of an
/// element the page names with an id attribute.
/// </summary>
public static partial class LinkCheck
{
    /// <summary>Reports every relative link of <paramref name="pages"/> that leads to none of <paramref name="sitePaths"/>.</summary>
    /// <param name="errors">Where the errors go.</param>
    /// <param name="pages">The pages written by hand (those with a parsed document).</param>
    /// <param name="sitePaths">Every path of the site, relative to its root: pages and other files.</param>
    public static void Check(ErrorList errors, IEnumerable<Page> pages, IReadOnlyCollection<string> sitePaths)
    {
        var known = new HashSet<string>(sitePaths, StringComparer.Ordinal);
        var written = pages.Where(p => p.Document is not null).ToDictionary(p => p.SitePath, StringComparer.Ordinal);
        var anchors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> AnchorsOf(Page p)
        {
            if (!anchors.TryGetValue(p.SitePath, out var set))
                anchors[p.SitePath] = set = Anchors(p.Woven.Length > 0 ? p.Woven : p.Text);
            return set;
        }
        foreach (var page in pages)
        {
            if (page.Document is null)
                continue;
            foreach (var link in page.Document.Descendants<LinkInline>())
            {
                string url = link.Url ?? "";
                string what = link.IsImage ? "image" : "link";
                int hash = url.IndexOf('#');
                string fragment = hash < 0 ? "" : Uri.UnescapeDataString(url[(hash + 1)..]);
                if (url.StartsWith('#'))
                {
                    if (fragment.Length > 0 && !AnchorsOf(page).Contains(fragment))
                        errors.Add(page.Source, link.Line + 1, link.Column + 1, $"{what} '{url}' names no heading or id of this page{NearAnchor(fragment, AnchorsOf(page))}");
                    continue;
                }
                if (Target(page.SitePath, url) is not { } target)
                    continue;
                if (target.Length == 0 || target.StartsWith("../", StringComparison.Ordinal))
                    errors.Add(page.Source, link.Line + 1, link.Column + 1, $"{what} '{url}' leads outside the site");
                else if (!known.Contains(target))
                    errors.Add(page.Source, link.Line + 1, link.Column + 1, $"{what} '{url}' leads to {target}, which is not a page of the site{Near(target, known)}");
                else if (fragment.Length > 0 && written.TryGetValue(target, out Page? to) && !AnchorsOf(to).Contains(fragment))
                    errors.Add(page.Source, link.Line + 1, link.Column + 1, $"{what} '{url}' names no heading or id of {target}{NearAnchor(fragment, AnchorsOf(to))}");
            }
        }
    }

    private static readonly MarkdownPipeline Headings = new MarkdownPipelineBuilder()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub).UsePipeTables().Build();

    /// <summary>
    /// The ids a reader's link may name in a page: each heading's, made from its text the way the
    /// site generator makes it (GitHub's rule: lower case, spaces to hyphens, other punctuation
    /// dropped, a repeated id numbered), and every id attribute the page writes itself.
    /// </summary>
    /// <param name="markdown">The page's Markdown as the site generator receives it.</param>
    public static HashSet<string> Anchors(string markdown)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var heading in Markdown.Parse(markdown, Headings).Descendants<HeadingBlock>())
        {
            if (heading.GetAttributes().Id is { Length: > 0 } id)
                set.Add(id);
        }
        foreach (Match m in IdAttribute().Matches(markdown))
            set.Add(m.Groups[1].Value);
        return set;
    }

    [GeneratedRegex("\\bid\\s*=\\s*\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    private static string NearAnchor(string fragment, HashSet<string> known) =>
        Closest(known, id => id, fragment) is { } best ? $"; did you mean #{best}?" : "";

    /// <summary>The site path a link of page <paramref name="from"/> leads to, or null when the link is not one to check.</summary>
    public static string? Target(string from, string url)
    {
        if (url.Length == 0 || url.StartsWith('#') || url.StartsWith('/') || url.StartsWith('\\') || HasScheme(url))
            return null;
        int cut = url.IndexOfAny(['#', '?']);
        string path = Uri.UnescapeDataString(cut < 0 ? url : url[..cut]);
        if (path.EndsWith('/'))
            path += "index.md";
        else if (path.EndsWith(".html", StringComparison.Ordinal))
            path = path[..^5] + ".md";
        var parts = new List<string>(from.Split('/')[..^1]);
        foreach (string part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    return "../" + path;
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    // "https:", "mailto:", "xref:": a letter, then letters, digits, '+', '-' or '.', then ':', before any '/'.
    private static bool HasScheme(string url)
    {
        int colon = url.IndexOf(':');
        int slash = url.IndexOf('/');
        return colon > 0 && (slash < 0 || colon < slash) && char.IsAsciiLetter(url[0])
            && url[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }

    // The page of the same folder whose name is closest, when one is close.
    private static string Near(string target, HashSet<string> known)
    {
        string dir = target.Contains('/') ? target[..(target.LastIndexOf('/') + 1)] : "";
        string name = target[dir.Length..];
        var sameFolder = known.Where(k => k.StartsWith(dir, StringComparison.Ordinal) && !k[dir.Length..].Contains('/'));
        return Closest(sameFolder, k => k[dir.Length..], name) is { } best ? $"; did you mean {best}?" : "";
    }

    // The candidate whose key is fewest edits (at most three) from `name`, ties broken by the
    // candidate's ordinal order; null when none is that close.
    private static string? Closest(IEnumerable<string> candidates, Func<string, string> key, string name) =>
        candidates.Select(c => (Candidate: c, Edits: WeaveContext.Distance(key(c), name, 3)))
            .Where(x => x.Edits <= 3)
            .OrderBy(x => x.Edits).ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .Select(x => x.Candidate)
            .FirstOrDefault();
}
