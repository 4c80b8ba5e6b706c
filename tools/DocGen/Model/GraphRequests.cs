using System.Security.Cryptography;
using System.Text;

namespace LinuxVm.DocGen.Model;

/// <summary>
/// The graphs woven pages ask for: each DOT text gets a placeholder comment in the page, which
/// the Render stage replaces with the SVG Graphviz draws for it.
/// </summary>
public sealed class GraphRequests
{
    private readonly Dictionary<string, string> _dotByKey = new(StringComparer.Ordinal);

    /// <summary>DOT text by key (a hash of the text).</summary>
    public IReadOnlyDictionary<string, string> Dot => _dotByKey;

    /// <summary>Asks for <paramref name="dot"/> to be drawn; returns the placeholder to put in the page.</summary>
    public string Add(string dot)
    {
        string key = Key(dot);
        _dotByKey.TryAdd(key, dot);
        return Placeholder(key);
    }

    /// <summary>The placeholder of a key.</summary>
    public static string Placeholder(string key) => $"<!--lvm-graph:{key}-->";

    /// <summary>A stable key for a DOT text.</summary>
    public static string Key(string dot) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dot)))[..20];
}
