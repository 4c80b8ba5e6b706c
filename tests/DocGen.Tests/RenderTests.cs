using System.Text.RegularExpressions;
using LinuxVm.DocGen.Pipeline;
using LinuxVm.DocGen.Render;

namespace LinuxVm.DocGen.Tests;

/// <summary>What the Render stage puts in a page: ids that stay unique.</summary>
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

    [GeneratedRegex(@"\sid=""([^""]*)""")]
    private static partial Regex IdAttribute();
}
