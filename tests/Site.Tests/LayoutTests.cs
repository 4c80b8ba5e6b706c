using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LinuxVm.Site.Tests;

/// <summary>
/// What the pages look like: every figure shows what it is (a table as a table, text as text, never
/// Markdown syntax), and every code block, figure and table fits its column, on a 1,400 px screen
/// and on a phone, with the page itself never scrolling sideways.
/// </summary>
public sealed partial class LayoutTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    // Markdown that shows through as text: a table row or delimiter row, or a code fence.
    private const string MarkdownAsText = """
        e => e.innerText.split('\n').filter(l => /^\s*\|.*\|\s*$/.test(l) || /^\s*\|?\s*:?-{3,}:?\s*\|/.test(l) || /^\s*(```|~~~)/.test(l))
        """;

    [Fact]
    public async Task Figures_ShowNoMarkdownSyntax_AndTablesAreTables()
    {
        await using var visit = await Visit.Start(site, "figures");
        int figures = 0, tables = 0;
        foreach (string path in await Pages(visit, "chapters", "commentary"))
        {
            await visit.Open(path);
            var all = visit.Page.Locator("article .lvm-figure");
            for (int i = 0; i < await all.CountAsync(); i++)
            {
                var figure = all.Nth(i);
                string run = await figure.GetAttributeAsync("data-run") ?? "?";
                var raw = await figure.EvaluateAsync<string[]>(MarkdownAsText);
                Assert.True(raw.Length == 0, $"{path}: figure {run} shows Markdown as text: {string.Join(" / ", raw.Take(3))}");
                figures++;
                tables += await figure.Locator("table").CountAsync();
            }
        }
        Assert.True(figures >= 20, $"only {figures} figures found on the chapters and commentary");
        // Seven figures are tables: the OOM badness table and rate limiter, the buddy free lists,
        // where allocations stop, the watermarks, bootmem placement and the slab cache geometry.
        Assert.True(tables >= 7, $"only {tables} figures are rendered as tables");
        visit.AssertClean();
    }

    [Theory]
    [InlineData(1400, 1000, false)]
    [InlineData(390, 844, true)]
    public async Task CodeFiguresAndTables_FitTheColumn(int width, int height, bool phone)
    {
        await using var visit = await Visit.Start(site, $"fit-{width}", width: width, height: height, phone: phone);
        var pages = await Pages(visit, "commentary", "chapters");
        var bad = new List<string>();
        foreach (string path in pages)
        {
            await visit.Open(path);
            int overflow = await visit.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            if (overflow > 1)
                bad.Add($"{path}: the page is {overflow}px wider than the screen");
            // Code wraps, so no code block scrolls sideways; a figure (a drawing too) may scroll
            // inside its own box on a phone, but at 1,400 px it fits too.
            string selector = phone ? "article pre.lvm-code" : "article pre.lvm-code, article .lvm-figure-table, article .lvm-figure pre, article .lvm-figure-svg";
            var wide = await visit.Page.EvaluateAsync<string[]>(
                "sel => [...document.querySelectorAll(sel)].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className + ' ' + e.scrollWidth + '/' + e.clientWidth)",
                selector);
            bad.AddRange(wide.Select(w => $"{path}: {w}"));
        }
        Assert.True(bad.Count == 0, "sideways scrolling:\n" + string.Join("\n", bad.Take(20)));
        await visit.Open(pages.First(p => p.StartsWith("commentary/", StringComparison.Ordinal) && !p.EndsWith("index.html", StringComparison.Ordinal)));
        await visit.Shot("commentary");
        visit.AssertClean();
    }

    [Theory]
    [InlineData(1400, 1000, false)]
    [InlineData(390, 844, true)]
    public async Task Diagrams_AreSvgText_CaptionedAsThePort_AtTheirOwnSize(int width, int height, bool phone)
    {
        await using var visit = await Visit.Start(site, $"diagrams-{width}", width: width, height: height, phone: phone);
        foreach (string chapter in new[] { "04-process-address-space", "05-describing-physical-memory", "08-slab-allocator" })
        {
            await visit.Open($"chapters/{chapter}.html");
            var figures = visit.Page.Locator("article .lvm-figure:has(.lvm-figure-svg)");
            Assert.True(await figures.CountAsync() >= 1, $"{chapter}: no diagram");
            var figure = figures.First;
            Assert.Contains("Drawn from the port's state", await figure.Locator(".lvm-figure-caption").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await figure.Locator("img, image").CountAsync());
            Assert.True(await figure.Locator("svg text").CountAsync() >= 20, $"{chapter}: the diagram has little text");
            // Drawn at its own size (never shrunk to the column), in a box no wider than the column.
            double[] m = await figure.EvaluateAsync<double[]>(
                "f => { const s = f.querySelector('svg'); const b = f.querySelector('.lvm-figure-svg'); return [s.getBoundingClientRect().width, s.width.baseVal.value, b.clientWidth, f.parentElement.clientWidth]; }");
            (double drawn, double own, double box, double column) = (m[0], m[1], m[2], m[3]);
            Assert.True(Math.Abs(drawn - own) < 1, $"{chapter}: the drawing is {drawn}px wide, not its own {own}px");
            Assert.True(box <= column + 1, $"{chapter}: the drawing's box is {box}px in a {column}px column");
            if (!phone)
                Assert.True(own <= box + 1, $"{chapter}: the {own}px drawing does not fit the {box}px column at {width}px");
            await figure.ScrollIntoViewIfNeededAsync();
            await visit.Shot($"diagram-{chapter}");
        }
        visit.AssertClean();
    }

    [Fact]
    public async Task KernelIndex_FitsA1400PxScreen_WithMentionedInVisible()
    {
        await using var visit = await Visit.Start(site, "index-fit");
        // 1,567 rows: on a loaded 2-core machine the default 30 s is not always enough.
        visit.Page.SetDefaultTimeout(180000);
        visit.Page.SetDefaultNavigationTimeout(180000);
        await visit.Open("reference/index.html");
        var table = visit.Page.Locator("article table").First;
        Assert.True(await table.EvaluateAsync<bool>("t => t.scrollWidth <= t.clientWidth + 1"),
            $"the kernel index is {await table.EvaluateAsync<int>("t => t.scrollWidth")}px wide in a {await table.EvaluateAsync<int>("t => t.clientWidth")}px column");
        var header = table.Locator("th", new() { HasTextString = "Mentioned in" });
        var box = await header.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box!.X + box.Width <= 1400, $"'Mentioned in' ends at x = {box.X + box.Width}");
        await visit.Shot("kernel-index");
        visit.AssertClean();
    }

    /// <summary>The HTML pages listed in the TOCs of <paramref name="sections"/> (and their index pages).</summary>
    internal static async Task<List<string>> Pages(Visit visit, params string[] sections)
    {
        var pages = new List<string>();
        foreach (string section in sections)
        {
            await visit.Open(section + "/toc.json");
            string json = await visit.Page.InnerTextAsync("body");
            pages.AddRange(Href().Matches(json).Select(m => section + "/" + m.Groups[1].Value).Distinct());
        }
        return pages;
    }

    [GeneratedRegex("\"href\":\"([^\"]+\\.html)\"")]
    private static partial Regex Href();
}
