using System.Net;
using System.Net.Sockets;

namespace LinuxVm.Site.Tests;

/// <summary>A tiny static file server for the built site on 127.0.0.1 (a free port), owned by the tests.</summary>
public sealed class StaticServer : IDisposable
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript", [".css"] = "text/css",
        [".json"] = "application/json", [".svg"] = "image/svg+xml", [".png"] = "image/png", [".ico"] = "image/x-icon",
        [".woff"] = "font/woff", [".woff2"] = "font/woff2", [".ttf"] = "font/ttf", [".map"] = "application/json",
        [".yml"] = "text/plain", [".txt"] = "text/plain", [".xml"] = "application/xml",
    };

    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Task _loop;

    /// <summary>Starts serving <paramref name="root"/>.</summary>
    public StaticServer(string root)
    {
        _root = Path.GetFullPath(root);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    /// <summary>The site's address, ending in a slash.</summary>
    public string BaseUrl { get; }

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Serve(ctx));
        }
    }

    private void Serve(HttpListenerContext ctx)
    {
        try
        {
            string rel = Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath).TrimStart('/');
            string path = Path.GetFullPath(Path.Combine(_root, rel));
            if (Directory.Exists(path))
                path = Path.Combine(path, "index.html");
            if (!path.StartsWith(_root, StringComparison.Ordinal) || !File.Exists(path))
            {
                ctx.Response.StatusCode = 404;
            }
            else
            {
                byte[] body = File.ReadAllBytes(path);
                ctx.Response.ContentType = Types.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
                ctx.Response.ContentLength64 = body.Length;
                ctx.Response.OutputStream.Write(body);
            }
            ctx.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // the browser went away
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
