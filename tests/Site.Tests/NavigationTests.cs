using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LinuxVm.Site.Tests;

/// <summary>
/// Navigation both ways: the top navigation lands on index pages; source pages link each kernel
/// identifier to its definition and each definition to the kernel index, and name their chapter
/// and commentary; API and kernel-file pages link back to the source and the chapters; the
/// exercises ask first and answer behind a click; and search shows no graph ids.
/// </summary>
public sealed partial class NavigationTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("Commentary", "commentary/index.html", "Commentary")]
    [InlineData("Source", "source/index.html", "Source")]
    [InlineData("API", "api/index.html", "API")]
    public async Task TopNavigation_LandsOnTheSectionsIndexPage(string link, string url, string title)
    {
        await using var visit = await Visit.Start(site, "nav-" + link);
        await visit.Open("index.html");
        await visit.Page.Locator("#navbar a", new() { HasTextString = link }).First.ClickAsync();
        await visit.Page.WaitForURLAsync("**/" + url);
        await Assertions.Expect(visit.Page.Locator("article h1")).ToHaveTextAsync(title);
        await visit.Shot("landed");
        visit.AssertClean();
    }

    [Fact]
    public async Task SourcePage_LinksUsesToDefinitions_DefinitionsToTheKernelIndex_AndTheFileToItsChapter()
    {
        await using var visit = await Visit.Start(site, "source");
        var page = visit.Page;
        await visit.Open("source/src/Mm/PageAlloc.cs.html");
        var article = page.Locator("article");
        await Assertions.Expect(article.Locator("a", new() { HasTextString = "chapter 3" }).First).ToBeVisibleAsync();
        await Assertions.Expect(article.Locator("a[href*='commentary/page_alloc.html']").First).ToBeVisibleAsync();
        await visit.Shot("top");

        // The declaration of __alloc_pages: its name leads to the kernel index entry.
        var declared = page.Locator("pre.lvm-source a[title^='__alloc_pages (mm/page_alloc.c) in the kernel index']").First;
        await declared.ScrollIntoViewIfNeededAsync();
        await declared.ClickAsync();
        await page.WaitForURLAsync("**/reference/index.html#x-mm-page_alloc-c-__alloc_pages");
        await Assertions.Expect(page.Locator("[id='x-mm-page_alloc-c-__alloc_pages']")).ToHaveCountAsync(1);
        await visit.Shot("kernel-index-entry");

        // A use of rmqueue leads to its definition line.
        await visit.Open("source/src/Mm/PageAlloc.cs.html");
        var use = page.Locator("pre.lvm-source a[title='rmqueue (mm/page_alloc.c): its definition']").First;
        await use.ScrollIntoViewIfNeededAsync();
        string href = await use.GetAttributeAsync("href") ?? "";
        Assert.Matches(@"#L\d+$", href);
        await use.ClickAsync();
        string line = new Uri(page.Url).Fragment.TrimStart('#');
        await Assertions.Expect(page.Locator($"[id='{line}']")).ToContainTextAsync("Rmqueue");
        await visit.Shot("definition");
        visit.AssertClean();
    }

    [Fact]
    public async Task ApiAndKernelFilePages_LinkToSourceAndChapter()
    {
        await using var visit = await Visit.Start(site, "api");
        await visit.Open("api/LinuxVm.Mm.PageAlloc.html");
        var article = visit.Page.Locator("article");
        await Assertions.Expect(article.Locator("a[href*='source/src/Mm/PageAlloc.cs.html']").First).ToBeVisibleAsync();
        await Assertions.Expect(article.Locator("a[href*='chapters/03-']").First).ToBeVisibleAsync();
        await visit.Shot("page-alloc-api");
        await visit.Open("reference/mm/slab.c.html");
        await Assertions.Expect(visit.Page.Locator("article a[href*='chapters/08-']").First).ToBeVisibleAsync();
        await Assertions.Expect(visit.Page.Locator("article a[href^='https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/mm/slab.c#L']").First).ToBeAttachedAsync();
        visit.AssertClean();
    }

    [Theory]
    [InlineData("LinuxVm.Mm.PageAlloc", "LinuxVm.Mm.PageAlloc.AllocPagesCore(System.UInt32,System.Int32,LinuxVm.Mm.Include.Zonelist)", "mm/page_alloc.c", "__alloc_pages", "AllocPagesCore", "03-")]
    [InlineData("LinuxVm.Mm.PageAlloc", "LinuxVm.Mm.PageAlloc.NrFreePages", "mm/page_alloc.c", "nr_free_pages", "NrFreePages", "03-")]
    [InlineData("LinuxVm.Mm.Include.Zone", "LinuxVm.Mm.Include.Zone.FreeArea", "include/linux/mmzone.h", "zone_t.free_area", "FreeArea", "03-")]
    public async Task ApiMember_LinksToItsKernelIndexEntry_ItsSourceLine_TheCAtItsLine_AndItsChapter(
        string type, string uid, string file, string kernel, string csharp, string chapter)
    {
        // The line the C link must carry is the one the table of kernel lines gives.
        string cLine = File.ReadLines(Path.Combine(site.Root, "tools", "DocGen", "kernel-lines.tsv"))
            .Select(l => l.Split('\t')).Single(f => f.Length == 3 && f[0] == file && f[1] == kernel)[2];
        await using var visit = await Visit.Start(site, "api-member-" + csharp);
        var page = visit.Page;
        await visit.Open($"api/{type}.html");
        var section = page.Locator($"h3[data-uid='{uid}'] ~ div.conceptual").First;
        await section.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(section.Locator($"a[href='https://github.com/sndrzt/linux-2.4.20.lite/blob/426c5ed/{file}#L{cLine}']")).ToHaveTextAsync($"{file}:{cLine}");
        await Assertions.Expect(section.Locator($"a[href*='chapters/{chapter}']").First).ToBeVisibleAsync();
        await visit.Shot("section");

        string anchor = "x-" + Regex.Replace(file + ":" + kernel, "[^A-Za-z0-9_]", "-");
        var index = section.Locator("a", new() { HasTextString = kernel }).First;
        Assert.EndsWith("reference/index.html#" + anchor, await index.GetAttributeAsync("href") ?? "");
        string source = await section.Locator("a[href*='source/']").First.GetAttributeAsync("href") ?? "";
        Assert.Matches(@"source/src/Mm/[A-Za-z/.]+\.cs\.html#L\d+$", source);

        // The entry exists in the kernel index. (Following a link into that large page is
        // the job of SourcePage_LinksUsesToDefinitions_DefinitionsToTheKernelIndex_AndTheFileToItsChapter; loading it again for each member here took
        // half a minute a case, and timed out once on a loaded machine.)
        string indexHtml = File.ReadAllText(Path.Combine(site.Root, "_site", "reference", "index.html"));
        Assert.Contains($"id=\"{anchor}\"", indexHtml);

        await visit.Open($"api/{type}.html");
        await page.Locator($"h3[data-uid='{uid}'] ~ div.conceptual").First.Locator("a[href*='source/']").First.ClickAsync();
        // A source page is large and a loaded machine slow: give the line time to appear (waiting
        // for the network to go quiet instead timed out once at 30 s).
        await page.WaitForURLAsync(new Regex(@"source/src/Mm/.+\.cs\.html#L\d+$"), new() { WaitUntil = WaitUntilState.Commit });
        string line = new Uri(page.Url).Fragment.TrimStart('#');
        Assert.Equal(source[(source.LastIndexOf('#') + 1)..], line);
        await Assertions.Expect(page.Locator($"[id='{line}']")).ToContainTextAsync(csharp, new() { Timeout = 60_000 });
        visit.AssertClean();
    }

    [Fact]
    public async Task Exercises_AskFirst_AnswerBehindAClick_AndLinkToTheirTest()
    {
        await using var visit = await Visit.Start(site, "exercises");
        var page = visit.Page;
        await visit.Open("chapters/03-physical-page-allocation.html");
        var answer = page.Locator("details.lvm-answer").First;
        await answer.ScrollIntoViewIfNeededAsync();
        Assert.False(await answer.EvaluateAsync<bool>("d => d.open"), "the reasoning should start folded");
        var question = page.Locator("[id='exercise-3-1'] + p");
        await Assertions.Expect(question).ToContainTextAsync("first order-0");
        await visit.Shot("folded");
        await answer.Locator("summary").ClickAsync();
        Assert.True(await answer.EvaluateAsync<bool>("d => d.open"));
        await Assertions.Expect(answer).ToContainTextAsync("229887");
        await visit.Shot("open");
        var test = page.Locator("p.lvm-exercise-test a").First;
        await test.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"source/tests/Exercises/Chapter03PhysicalPageAllocation\.cs\.html#L\d+$"));
        string line = new Uri(page.Url).Fragment.TrimStart('#');
        await Assertions.Expect(page.Locator($"[id='{line}']")).ToContainTextAsync("FirstOrder0Allocation");
        visit.AssertClean();
    }

    [Fact]
    public void SearchIndex_HoldsNoGraphNodeIds()
    {
        string index = File.ReadAllText(Path.Combine(site.Root, "_site", "index.json"));
        var ids = GraphId().Matches(index).Select(m => m.Value).Distinct().Take(5).ToList();
        Assert.True(ids.Count == 0, "the search index holds graph node ids: " + string.Join(", ", ids));
    }

    [GeneratedRegex(@"\bn\d+(->|&#45;&gt;|-&gt;|\\u002D\\u003E|-\\u003E)n\d+\b|\bcluster_g\d+\b")]
    private static partial Regex GraphId();
}
