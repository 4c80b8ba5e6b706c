using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Model;

namespace LinuxVm.DocGen.Render;

/// <summary>
/// Stage 6, Render: draws every requested graph with Graphviz (<c>dot -Tsvg</c>, all graphs in one
/// process) and puts each SVG inline in place of its placeholder so its links work and the page's
/// CSS can colour it for dark mode. Drawings are cached by the hash of their DOT text, so a
/// rebuild after editing one chapter only draws that chapter's new graphs.
/// </summary>
public static partial class GraphRenderer
{
    /// <summary>SVG for every key of <paramref name="requests"/>; <paramref name="cacheDir"/> keeps earlier drawings.</summary>
    public static Dictionary<string, string> Draw(GraphRequests requests, string? cacheDir, string dotExe = "dot")
    {
        var svg = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var key in requests.Dot.Keys.Order(StringComparer.Ordinal))
        {
            string? cached = cacheDir is null ? null : Path.Combine(cacheDir, key + ".svg");
            if (cached is not null && File.Exists(cached))
                svg[key] = File.ReadAllText(cached);
            else
                missing.Add(key);
        }
        // A few batches so both cores work on a cold cache.
        int batches = missing.Count < 40 ? 1 : 2;
        var results = new string[batches][];
        Parallel.For(0, batches, b =>
        {
            var keys = missing.Where((_, i) => i % batches == b).ToList();
            results[b] = keys.Count == 0 ? [] : RunDot(keys.Select(k => requests.Dot[k]).ToList(), dotExe);
        });
        for (int b = 0; b < batches; b++)
        {
            var keys = missing.Where((_, i) => i % batches == b).ToList();
            for (int i = 0; i < keys.Count; i++)
            {
                string clean = Clean(results[b][i]);
                svg[keys[i]] = clean;
                if (cacheDir is not null)
                {
                    Directory.CreateDirectory(cacheDir);
                    File.WriteAllText(Path.Combine(cacheDir, keys[i] + ".svg"), clean);
                }
            }
        }
        return svg;
    }

    /// <summary>
    /// Replaces the placeholders in <paramref name="text"/> (one page) with their SVG. Graphviz
    /// numbers the elements of every drawing alike (<c>graph0</c>, <c>node1</c>, <c>edge1</c>), so
    /// each drawing's ids get a prefix of its own (<c>cg1-</c>, <c>cg2-</c>, ... in page order)
    /// and the ids of a page stay unique however many graphs it holds.
    /// </summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> svg)
    {
        int n = 0;
        return Placeholder().Replace(text, m => PrefixIds(Untitle(svg[m.Groups[1].Value]), $"cg{++n}-"));
    }

    /// <summary>
    /// Moves Graphviz's <c>&lt;title&gt;</c> of the graph, each cluster, node and edge (its DOT id:
    /// <c>cluster_g1</c>, <c>n0</c>, <c>n1-&gt;n0</c>) into a <c>data-g</c> attribute: a title element is text to the search
    /// index and a tooltip to the browser, and a reader should see neither. The links keep their
    /// own tooltips.
    /// </summary>
    public static string Untitle(string svg) => ElementTitle().Replace(svg, m => m.Groups[1].Value + " data-g=\"" + m.Groups[2].Value + "\">");

    /// <summary>Prefixes every <c>id</c> in <paramref name="svg"/>, and the references to those ids inside it.</summary>
    public static string PrefixIds(string svg, string prefix)
    {
        var ids = IdAttribute().Matches(svg).Select(m => m.Groups[2].Value).ToHashSet(StringComparer.Ordinal);
        svg = IdAttribute().Replace(svg, m => m.Groups[1].Value + prefix + m.Groups[2].Value + "\"");
        // A link to a section of the page (href="#...") stays as it is unless it names an element of the drawing.
        return IdReference().Replace(svg, m => ids.Contains(m.Groups[2].Value) ? m.Groups[1].Value + prefix + m.Groups[2].Value : m.Value);
    }

    private static string[] RunDot(List<string> dots, string dotExe)
    {
        var psi = new ProcessStartInfo(dotExe, "-Tsvg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw DocGenException.At("site.sh", 1, 1, $"Graphviz '{dotExe}' could not be started ({e.Message}); run scripts/prerequisites.sh");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using (var input = new StreamWriter(p.StandardInput.BaseStream, new UTF8Encoding(false)))
                foreach (var d in dots)
                    input.Write(d);
            p.WaitForExit();
            string output = stdout.Result;
            if (p.ExitCode != 0)
                throw DocGenException.At("tools/DocGen/Render/GraphRenderer.cs", 1, 1, $"dot failed: {stderr.Result}");
            var parts = output.Split("</svg>", StringSplitOptions.None)
                .Where(s => s.Contains("<svg", StringComparison.Ordinal))
                .Select(s => s + "</svg>").ToArray();
            if (parts.Length != dots.Count)
                throw DocGenException.At("tools/DocGen/Render/GraphRenderer.cs", 1, 1, $"dot drew {parts.Length} graphs for {dots.Count} requests");
            return parts;
        }
    }

    /// <summary>Keeps the <c>svg</c> element only, drops comments and blank lines (a blank line would end the HTML block in Markdown).</summary>
    private static string Clean(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        svg = svg[start..];
        svg = Comment().Replace(svg, "");
        var lines = svg.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0);
        return string.Join("\n", lines);
    }

    [GeneratedRegex(@"(<g\b[^>]*)>\s*<title>([^<]*)</title>")]
    private static partial Regex ElementTitle();

    [GeneratedRegex(@"<!--lvm-graph:([0-9a-f]+)-->")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"(\sid="")([^""]*)""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"(url\(#|href=""#)([^)""]*)")]
    private static partial Regex IdReference();
}
