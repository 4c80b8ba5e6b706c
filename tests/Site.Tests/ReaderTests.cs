using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LinuxVm.Site.Tests;

/// <summary>
/// A reader's walk through the built site in headless Chromium: home, the TOC, the page_alloc
/// pages with woven code and call graphs, a graph node, search, a phone, dark mode. Every step
/// saves a screenshot in TestResults/screenshots and checks that nothing failed or left 127.0.0.1.
/// </summary>
public sealed class ReaderTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private static readonly Regex PageAllocChapter = new("Physical page allocation", RegexOptions.IgnoreCase);

    [Fact]
    public async Task Home_FollowTocToPageAlloc_SnippetAndGraph_ClickNode_LandsOnFunction()
    {
        await using var visit = await Visit.Start(site, "walk");
        var page = visit.Page;
        await visit.Open("");
        await Assertions.Expect(page.Locator("article h1")).ToContainTextAsync("Linux VM companion");
        await visit.Shot("home");

        // The TOC in the navbar leads to the chapters, in reading order.
        await page.Locator("#navbar a", new() { HasTextString = "Chapters" }).First.ClickAsync();
        await page.WaitForURLAsync("**/chapters/**");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.Locator("article h1")).ToContainTextAsync("Getting started");
        // Previous/next follow the reading order: chapter 0 leads to chapter 1.
        await Assertions.Expect(page.Locator("#nextArticle .next a, #nextArticle a").Last).ToContainTextAsync("1.");
        await visit.Shot("chapter0");

        // The page_alloc chapter when it is written, else page_alloc's reference page, both from the TOC.
        var chapterLink = page.Locator("#toc a", new() { HasTextRegex = PageAllocChapter });
        await Assertions.Expect(page.Locator("#toc a").First).ToBeVisibleAsync();
        if (await chapterLink.CountAsync() > 0)
        {
            await chapterLink.First.ClickAsync();
            await page.WaitForURLAsync("**/chapters/03-*");
        }
        else
        {
            await page.Locator("#navbar a", new() { HasTextString = "Kernel index" }).First.ClickAsync();
            await page.WaitForURLAsync("**/reference/**");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.Locator("#toc a", new() { HasTextString = "mm/page_alloc.c" }).First.ClickAsync();
            await page.WaitForURLAsync("**/reference/mm/page_alloc.c.html");
        }
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await visit.Shot("page-alloc");

        // A woven snippet and a call graph.
        var snippet = page.Locator(".lvm-snippet").First;
        await Assertions.Expect(snippet).ToBeVisibleAsync();
        await Assertions.Expect(snippet.Locator("pre.lvm-code .ln").First).ToBeVisibleAsync();
        var graph = page.Locator("figure.lvm-graph[data-direction=callees] svg").First;
        await graph.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(graph).ToBeVisibleAsync();
        await visit.Shot("graph");

        // Click a callee (not the root) and land on that function's section.
        var nodes = page.Locator("figure.lvm-graph[data-direction=callees] svg g.node a");
        int count = await nodes.CountAsync();
        Assert.True(count >= 2, "the first callee graph should have a callee");
        ILocator? target = null;
        string label = "";
        for (int i = 1; i < count && target is null; i++)
        {
            var n = nodes.Nth(i);
            if (await n.IsVisibleAsync())
            {
                target = n;
                label = ((await n.Locator("text").TextContentAsync()) ?? "").Trim();
            }
        }
        Assert.NotNull(target);
        string before = page.Url;
        await target!.ClickAsync();
        await page.WaitForURLAsync(u => u != before && u.Contains("#k-", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        string anchor = new Uri(page.Url).Fragment.TrimStart('#');
        Assert.StartsWith("k-" + label, anchor);
        var landed = page.Locator($"[id='{anchor}']");
        await Assertions.Expect(landed).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"[id='{anchor}'] ~ h3, .lvm-snippet[id='{anchor}']").First).ToBeVisibleAsync();
        await visit.Shot("landed-" + label);
        visit.AssertClean();
    }

    [Theory]
    [InlineData("rmqueue")]
    [InlineData("AllocPagesCore")]
    public async Task Search_FindsAFunctionsPage_ByKernelAndCSharpName(string query)
    {
        await using var visit = await Visit.Start(site, "search-" + query);
        var page = visit.Page;
        await visit.Open("index.html");
        var box = page.Locator("#search-query");
        await Assertions.Expect(box).ToBeEnabledAsync(new() { Timeout = 30000 });
        await box.FillAsync(query);
        var hit = page.Locator("#search-results a", new() { HasTextRegex = new Regex("page_alloc", RegexOptions.IgnoreCase) }).First;
        await Assertions.Expect(hit).ToBeVisibleAsync(new() { Timeout = 30000 });
        await visit.Shot("results");
        // docfx opens a search result in a new tab.
        var found = await visit.Context.RunAndWaitForPageAsync(() => hit.ClickAsync());
        await found.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Contains("page_alloc", found.Url);
        await Assertions.Expect(found.Locator("article")).ToContainTextAsync(query);
        await visit.Shot("found", found);
        visit.AssertClean();
    }

    [Fact]
    public async Task Phone_ReadsWithoutSidewaysScrolling_AndCommentaryStacks()
    {
        await using var visit = await Visit.Start(site, "phone", width: 390, height: 844, phone: true);
        var page = visit.Page;
        foreach (string path in new[] { "index.html", "chapters/00-getting-started.html", "reference/mm/page_alloc.c.html" })
        {
            await visit.Open(path);
            int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"{path} is {overflow}px wider than a phone");
            await visit.Shot(Path.GetFileNameWithoutExtension(path));
        }
        var commentary = await FirstCommentary(visit);
        if (commentary is not null)
        {
            await visit.Open(commentary);
            var row = page.Locator(".lvm-docco").First;
            Assert.Equal("block", await row.EvaluateAsync<string>("e => getComputedStyle(e).display"));
            await visit.Shot("commentary");
        }
        visit.AssertClean();
    }

    [Fact]
    public async Task WideScreen_PutsCommentaryProseBesideCode()
    {
        await using var visit = await Visit.Start(site, "wide", width: 1600, height: 1000);
        var commentary = await FirstCommentary(visit);
        Assert.NotNull(commentary);
        await visit.Open(commentary!);
        var row = visit.Page.Locator(".lvm-docco").First;
        await row.ScrollIntoViewIfNeededAsync();
        Assert.Equal("grid", await row.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        var prose = await row.Locator(".lvm-docco-prose").BoundingBoxAsync();
        var code = await row.Locator(".lvm-docco-code").BoundingBoxAsync();
        Assert.True(code!.X > prose!.X + prose.Width - 1, "the code column should be right of the prose");
        await visit.Shot("commentary");
        visit.AssertClean();
    }

    [Fact]
    public async Task DarkMode_ColoursCodeAndGraphsForADarkBackground()
    {
        await using var visit = await Visit.Start(site, "dark", dark: true);
        await visit.Open("reference/mm/page_alloc.c.html");
        Assert.Equal("dark", await visit.Page.EvaluateAsync<string>("() => document.documentElement.getAttribute('data-bs-theme')"));
        string background = await visit.Page.Locator(".lvm-snippet").First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(22, 27, 34)", background);
        await visit.Shot("reference");
        await visit.Open("chapters/00-getting-started.html");
        await visit.Shot("chapter0");
        visit.AssertClean();
    }

    [Fact]
    public async Task KernelIndex_ListsKernelNamesWithTheirCSharpSymbols()
    {
        await using var visit = await Visit.Start(site, "index");
        // 1,567 rows: on a loaded 2-core machine the default 30 s is not always enough.
        visit.Page.SetDefaultTimeout(180000);
        visit.Page.SetDefaultNavigationTimeout(180000);
        await visit.Open("reference/index.html");
        var row = visit.Page.Locator("article table tr", new() { HasTextString = "__alloc_pages" }).First;
        await Assertions.Expect(row).ToContainTextAsync("AllocPagesCore", new() { Timeout = 60000 });
        await Assertions.Expect(row).ToContainTextAsync("mm/page_alloc.c", new() { Timeout = 60000 });
        await visit.Shot("kernel-index");
        visit.AssertClean();
    }

    private static async Task<string?> FirstCommentary(Visit visit)
    {
        await visit.Open("commentary/toc.json");
        string json = await visit.Page.InnerTextAsync("body");
        var m = Regex.Match(json, "\"href\":\"([^\"]+\\.html)\"");
        return m.Success ? "commentary/" + m.Groups[1].Value : null;
    }
}
