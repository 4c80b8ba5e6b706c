using System.Text.RegularExpressions;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// Builds the fixture and compares every page and callgraph.json with Fixtures/Expected.
/// Run with DOCGEN_UPDATE_SNAPSHOTS=1 to refresh the expected files after a deliberate change.
/// </summary>
public partial class SnapshotTests
{
    private static readonly Lazy<BuildResult> Result = new(() => Build.Generate(Fixture.Options(Fixture.Port)));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var p in Result.Value.Pages)
            data.Add(p.SitePath);
        data.Add("callgraph.json");
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Output_MatchesSnapshot(string file)
    {
        string actual = file == "callgraph.json"
            ? Result.Value.CallgraphJson
            : Normalize(Result.Value.Pages.Single(p => p.SitePath == file).Woven);
        string path = Path.Combine(Fixture.Expected, file);
        if (Fixture.Update)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"no snapshot {path}; run with DOCGEN_UPDATE_SNAPSHOTS=1");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void EverySnapshot_IsStillProduced()
    {
        var produced = Result.Value.Pages.Select(p => p.SitePath).Append("callgraph.json").ToHashSet();
        var stale = Directory.EnumerateFiles(Fixture.Expected, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Fixture.Expected, f).Replace('\\', '/'))
            .Where(f => !produced.Contains(f)).ToList();
        Assert.Empty(stale);
    }

    // Graphviz's exact coordinates differ between versions; the snapshot keeps what matters:
    // each node's label, tooltip and link, and the edges.
    private static string Normalize(string page) => Svg().Replace(page, m =>
    {
        var nodes = Node().Matches(m.Value).Select(n => $"  node {n.Groups["label"].Value} -> {n.Groups["href"].Value} ({n.Groups["title"].Value})");
        var edges = Edge().Matches(m.Value).Select(e => $"  edge {e.Groups[1].Value}");
        return "<svg graph>\n" + string.Join("\n", nodes.Concat(edges)) + "\n</svg>";
    });

    [GeneratedRegex(@"<svg.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();

    [GeneratedRegex(@"<a xlink:href=""(?<href>[^""]*)"" xlink:title=""(?<title>[^""]*)""[^>]*>\s*<path[^>]*/>\s*<text[^>]*>(?<label>[^<]*)</text>", RegexOptions.Singleline)]
    private static partial Regex Node();

    [GeneratedRegex(@"data-g=""(n\d+&#45;&gt;n\d+)""")]
    private static partial Regex Edge();
}
