using Microsoft.Playwright;

namespace LinuxVm.Site.Tests;

/// <summary>
/// The built site (./site.sh, or ./test.sh which runs it), served on 127.0.0.1 by the test itself,
/// and Debian's Chromium driven headless by Playwright. No browser is ever downloaded.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    /// <summary>The browser the tests drive.</summary>
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>The repository root.</summary>
    public string Root { get; } = FindRoot();

    /// <summary>The server of _site.</summary>
    public StaticServer Server { get; private set; } = null!;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go (a test artifact).</summary>
    public string Screenshots => Path.Combine(Root, "TestResults", "screenshots");

    private IPlaywright _playwright = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        string site = Path.Combine(Root, "_site");
        if (!File.Exists(Path.Combine(site, "index.html")))
            throw new InvalidOperationException($"{site} is not built: run ./site.sh (./test.sh runs it before the tests)");
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: run scripts/prerequisites.sh");
        Directory.CreateDirectory(Screenshots);
        Server = new StaticServer(site);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"],
        });
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        Server.Dispose();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LinuxVm.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("LinuxVm.slnx not found above " + AppContext.BaseDirectory);
    }
}
