using Microsoft.Playwright;

namespace LinuxVm.Site.Tests;

/// <summary>
/// One browsing session: a page that records console errors and every request, so a test can
/// assert that nothing failed and nothing left 127.0.0.1, and saves a screenshot of each step.
/// </summary>
public sealed class Visit : IAsyncDisposable
{
    private readonly SiteFixture _site;
    private readonly string _name;
    private int _shots;

    private Visit(SiteFixture site, IBrowserContext context, IPage page, string name)
    {
        _site = site;
        Context = context;
        Page = page;
        _name = name;
        // Context-wide, so pages the site opens (search results open in a new tab) are watched too.
        context.Console += (_, m) => { if (m.Type == "error") ConsoleErrors.Add(m.Text + " @ " + m.Location); };
        context.Page += (_, p) => p.PageError += (_, e) => ConsoleErrors.Add("page error: " + e);
        page.PageError += (_, e) => ConsoleErrors.Add("page error: " + e);
        context.Request += (_, r) =>
        {
            var uri = new Uri(r.Url);
            if (uri.Scheme is "data" or "blob" or "about")
                return;
            if (uri.Host != "127.0.0.1")
                Outside.Add(r.Url);
        };
        context.RequestFailed += (_, r) => Failed.Add(r.Url + " " + r.Failure);
    }

    /// <summary>The browser context.</summary>
    public IBrowserContext Context { get; }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions.</summary>
    public List<string> ConsoleErrors { get; } = [];

    /// <summary>Requests to anything but 127.0.0.1.</summary>
    public List<string> Outside { get; } = [];

    /// <summary>Requests that failed.</summary>
    public List<string> Failed { get; } = [];

    /// <summary>Opens a session with a viewport (and optionally dark colours).</summary>
    public static async Task<Visit> Start(SiteFixture site, string name, int width = 1400, int height = 1000, bool dark = false, bool phone = false)
    {
        var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
        });
        // Only the test server exists: any other request is recorded above, then refused here.
        await context.RouteAsync("**/*", route =>
        {
            var uri = new Uri(route.Request.Url);
            return uri.Host == "127.0.0.1" || uri.Scheme is "data" or "blob" ? route.ContinueAsync() : route.AbortAsync();
        });
        var page = await context.NewPageAsync();
        return new Visit(site, context, page, name);
    }

    /// <summary>Goes to a path of the site and waits for it to settle.</summary>
    public async Task Open(string path)
    {
        await Page.GotoAsync(_site.Server.BaseUrl + path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> (default: the session's page) named after the session and step.</summary>
    public async Task Shot(string step, IPage? page = null)
    {
        page ??= Page;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        _shots++;
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(_site.Screenshots, $"{_name}-{_shots:00}-{step}.png"),
            FullPage = false,
        });
    }

    /// <summary>Asserts no console error, no failed request and no request outside 127.0.0.1.</summary>
    public void AssertClean()
    {
        Assert.True(Outside.Count == 0, "requests outside 127.0.0.1:\n" + string.Join("\n", Outside));
        Assert.True(ConsoleErrors.Count == 0, "console errors:\n" + string.Join("\n", ConsoleErrors));
        Assert.True(Failed.Count == 0, "failed requests:\n" + string.Join("\n", Failed));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
