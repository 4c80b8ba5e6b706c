using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Pipeline;
using LinuxVm.DocGen.Render;

namespace LinuxVm.DocGen.Tests;

/// <summary>What the Render stage puts in a page: ids that stay unique, and graphs that stay within the column.</summary>
public partial class RenderTests
{
    private static readonly Lazy<BuildResult> Result = new(() => Build.Generate(Fixture.Options(Fixture.Port)));

    [Fact]
    public void PageWithSeveralGraphs_HasEveryElementIdOnce()
    {
        var pages = Result.Value.Pages.Where(p => p.Woven.Split("<svg").Length > 2).ToList();
        Assert.NotEmpty(pages); // the reference pages show a callee and a caller graph per function
        foreach (var page in pages)
        {
            var ids = IdAttribute().Matches(page.Woven).Select(m => m.Groups[1].Value).ToList();
            var repeated = ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(repeated.Count == 0, $"{page.SitePath} repeats ids {string.Join(", ", repeated)}");
        }
    }

    [Fact]
    public void PrefixIds_RenamesTheDrawingsIds_ButNotLinksToTheSectionsOfThePage()
    {
        string svg = """<svg><g id="graph0"><g id="node1"><a xlink:href="#rmqueue" href="#node1"><path fill="url(#node1)"/></a></g></g></svg>""";
        Assert.Equal("""<svg><g id="cg2-graph0"><g id="cg2-node1"><a xlink:href="#rmqueue" href="#cg2-node1"><path fill="url(#cg2-node1)"/></a></g></g></svg>""",
            GraphRenderer.PrefixIds(svg, "cg2-"));
    }

    [Fact]
    public void RankRows_CutsAWideLevelIntoEvenRowsWithinTheCap()
    {
        // A root and 20 callees of 100 pt: 20 * 100 + 19 * 18 = 2342 pt, so five rows of four.
        var levels = new[] { 0 }.Concat(Enumerable.Repeat(1, 20)).ToList();
        var widths = Enumerable.Repeat(100.0, 21).ToList();
        var rows = RankRows.Rows(levels, widths, maxWidth: 480);
        Assert.Equal([1, 4, 4, 4, 4, 4], rows.Select(r => r.Count));
        Assert.Equal(Enumerable.Range(0, 21), rows.SelectMany(r => r));
    }

    [Fact]
    public void WideFanOut_IsDrawnWithinTheRankWidthCap_EveryCalleeStillALink()
    {
        // One function calling 30 others: drawn flat it would be 30 boxes side by side (some 2,700 pt).
        var source = new StringBuilder("namespace Fixture;\n/// <summary>Many callees.</summary>\npublic static class Wide\n{\n");
        source.Append("    /// <summary>Calls them all.</summary>\n    [Linux(\"mm/wide.c\", \"wide_root\")]\n    public static void Root()\n    {\n");
        for (int i = 0; i < 30; i++)
            source.Append(CultureInfo.InvariantCulture, $"        Leaf{i}();\n");
        source.Append("    }\n");
        for (int i = 0; i < 30; i++)
            source.Append(CultureInfo.InvariantCulture, $"    /// <summary>Leaf.</summary>\n    [Linux(\"mm/wide.c\", \"wide_leaf_{i}\")]\n    public static void Leaf{i}() {{ }}\n");
        source.Append("}\n");
        string dir = Fixture.Copy(("src/Fixture/Wide.cs", source.ToString()),
            ("chapters/05-wide.md", "# Wide\n\n:::callgraph kernel=\"wide_root\" depth=\"1\":::\n"));
        try
        {
            var page = Build.Generate(Fixture.Options(dir)).Pages.Single(p => p.SitePath == "chapters/05-wide.md");
            var svg = SvgSize().Match(page.Woven);
            Assert.True(svg.Success);
            double width = double.Parse(svg.Groups[1].Value, CultureInfo.InvariantCulture);
            double height = double.Parse(svg.Groups[2].Value, CultureInfo.InvariantCulture);
            // The cap is an estimate of Graphviz's box widths, so allow the graph's own margins.
            Assert.True(width <= RankRows.MaxWidth + 40, $"the graph is {width} pt wide");
            Assert.True(height > width / 2, $"the rows are stacked: {width} x {height} pt");
            var links = NodeLink().Matches(page.Woven).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(31, links.Count);
            Assert.All(Enumerable.Range(0, 30), i => Assert.Contains($"wide_leaf_{i}", page.Woven, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex(@"\sid=""([^""]*)""")]
    private static partial Regex IdAttribute();

    [GeneratedRegex(@"<svg width=""([0-9.]+)pt"" height=""([0-9.]+)pt""")]
    private static partial Regex SvgSize();

    [GeneratedRegex(@"<g [^>]*class=""node[^""]*""[^>]*>\s*<g [^>]*><a xlink:href=""([^""]*)""")]
    private static partial Regex NodeLink();
}
