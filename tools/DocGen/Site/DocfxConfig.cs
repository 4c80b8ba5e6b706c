using System.Text.Json;
using LinuxVm.DocGen.Diagnostics;

namespace LinuxVm.DocGen.Site;

/// <summary>
/// The site's docfx configuration, <c>docfx.json</c> at the repository root (committed, not
/// generated). DocGen reads the parts it must agree with: the folder docfx builds the woven
/// pages from (DocGen writes them there) and the assemblies of the API reference (DocGen checks
/// they are built, and adds the API to the table of contents when there are any).
/// </summary>
public sealed class DocfxConfig
{
    /// <summary>The file's name at the root.</summary>
    public const string FileName = "docfx.json";

    private DocfxConfig(string path, IReadOnlyList<string> content, IReadOnlyList<(string File, int Line)> api)
    {
        FilePath = path;
        ContentFolders = content;
        ApiAssemblies = api;
    }

    /// <summary>Absolute path of docfx.json.</summary>
    public string FilePath { get; }

    /// <summary>The <c>src</c> folders of <c>build.content</c>, relative to the root with '/' ("" for the root itself).</summary>
    public IReadOnlyList<string> ContentFolders { get; }

    /// <summary>The assemblies <c>metadata</c> documents, relative to the root, each with its line in docfx.json.</summary>
    public IReadOnlyList<(string File, int Line)> ApiAssemblies { get; }

    /// <summary>Reads <c>docfx.json</c> under <paramref name="root"/>; null when there is none.</summary>
    /// <exception cref="DocGenException">The file is not JSON, or not shaped like a docfx configuration.</exception>
    public static DocfxConfig? Read(string root)
    {
        string path = Path.Combine(root, FileName);
        if (!File.Exists(path))
            return null;
        string text = File.ReadAllText(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw DocGenException.At(FileName, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, $"not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var content = new List<string>();
            if (doc.RootElement.TryGetProperty("build", out var build) && build.TryGetProperty("content", out var items) && items.ValueKind == JsonValueKind.Array)
                foreach (var item in items.EnumerateArray())
                    content.Add(Relative(item.TryGetProperty("src", out var src) && src.ValueKind == JsonValueKind.String ? src.GetString()! : ""));
            var api = new List<(string, int)>();
            if (doc.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in metadata.EnumerateArray())
                {
                    if (!m.TryGetProperty("src", out var srcs) || srcs.ValueKind != JsonValueKind.Array)
                        continue;
                    foreach (var s in srcs.EnumerateArray())
                    {
                        string folder = s.TryGetProperty("src", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
                        if (!s.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
                            continue;
                        foreach (var file in files.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String))
                        {
                            string name = file.GetString()!;
                            api.Add((Relative(Path.Combine(folder, name)), LineOf(text, $"\"{name}\"")));
                        }
                    }
                }
            }
            return new DocfxConfig(Path.GetFullPath(path), content, api);
        }
    }

    // "./.docgen/site-src/" and ".docgen\\site-src" are both ".docgen/site-src"; "." is "".
    private static string Relative(string path)
    {
        string p = path.Replace('\\', '/').TrimEnd('/');
        while (p.StartsWith("./", StringComparison.Ordinal))
            p = p[2..];
        return p == "." ? "" : p;
    }

    private static int LineOf(string text, string needle)
    {
        int at = text.IndexOf(needle, StringComparison.Ordinal);
        return at < 0 ? 1 : text.AsSpan(0, at).Count('\n') + 1;
    }
}
