using LinuxVm.DocGen.Diagnostics;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

using LinuxVm.DocGen.Model;

namespace LinuxVm.DocGen.Weave;

/// <summary>
/// Checks the Markdown links the chapters and commentary write themselves: a relative link must
/// lead to a page (or file) of the site, else the build fails at the link's file:line:column.
/// Links with a scheme (https:, mailto:), links within the page (#...) and site-absolute links
/// (/...) are not checked; neither are the anchors after '#'.
/// </summary>
public static class LinkCheck
{
    /// <summary>Reports every relative link of <paramref name="pages"/> that leads to none of <paramref name="sitePaths"/>.</summary>
    /// <param name="errors">Where the errors go.</param>
    /// <param name="pages">The pages written by hand (those with a parsed document).</param>
    /// <param name="sitePaths">Every path of the site, relative to its root: pages and other files.</param>
    public static void Check(ErrorList errors, IEnumerable<Page> pages, IReadOnlyCollection<string> sitePaths)
    {
        var known = new HashSet<string>(sitePaths, StringComparer.Ordinal);
        foreach (var page in pages)
        {
            if (page.Document is null)
                continue;
            foreach (var link in page.Document.Descendants<LinkInline>())
            {
                string url = link.Url ?? "";
                if (Target(page.SitePath, url) is not { } target)
                    continue;
                string what = link.IsImage ? "image" : "link";
                if (target.Length == 0 || target.StartsWith("../", StringComparison.Ordinal))
                    errors.Add(page.Source, link.Line + 1, link.Column + 1, $"{what} '{url}' leads outside the site");
                else if (!known.Contains(target))
                    errors.Add(page.Source, link.Line + 1, link.Column + 1, $"{what} '{url}' leads to {target}, which is not a page of the site{Near(target, known)}");
            }
        }
    }

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
        var best = known.Where(k => k.StartsWith(dir, StringComparison.Ordinal) && !k[dir.Length..].Contains('/'))
            .Select(k => (Path: k, Edits: WeaveContext.Distance(k[dir.Length..], name, 3)))
            .Where(x => x.Edits <= 3)
            .OrderBy(x => x.Edits).ThenBy(x => x.Path, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Path is null ? "" : $"; did you mean {best.Path}?";
    }
}
