using LinuxVm.DocGen.Graph;
using LinuxVm.DocGen.Index;

namespace LinuxVm.DocGen.Model;

/// <summary>
/// Where things live on the site: the page of each chapter, commentary, kernel file reference and
/// source file, and the one section ("home") each ported function and identifier links to. A
/// function's home is its commentary section when a commentary page shows it whole, else its
/// section on the reference page of its kernel file.
/// </summary>
public sealed class SiteMap
{
    private readonly Dictionary<FunctionNode, string> _anchors = [];
    private readonly Dictionary<FunctionNode, string> _commentaryHome = [];

    /// <summary>Assigns every function its anchor (its kernel name; a second implementation of one name gets a suffix).</summary>
    public SiteMap(SymbolIndex index, CallGraph graph)
    {
        Index = index;
        Graph = graph;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            string a = NameRules.Anchor(n.Kernel.Name);
            for (int i = 2; !used.Add(n.Kernel.File + "#" + a); i++)
                a = NameRules.Anchor(n.Kernel.Name) + "-" + i;
            _anchors[n] = a;
        }
    }

    /// <summary>The index of the port.</summary>
    public SymbolIndex Index { get; }

    /// <summary>The call graph of the port.</summary>
    public CallGraph Graph { get; }

    /// <summary>The site page that explains a kernel file's identifiers: <c>reference/mm/page_alloc.c.md</c>.</summary>
    public static string ReferencePage(string kernelFile) => $"reference/{kernelFile}.md";

    /// <summary>The site page that shows a source file: <c>source/src/Mm/PageAlloc.cs.md</c>.</summary>
    public static string SourcePage(string sourceFile) => $"source/{sourceFile}.md";

    /// <summary>The cross-reference index page.</summary>
    public const string CrossReferencePage = "reference/index.md";

    /// <summary>The anchor of an identifier's row in the kernel index: <c>x-mm-page_alloc-c-__alloc_pages</c>.</summary>
    public static string IndexAnchor(KernelSymbol e) => "x-" + NameRules.Anchor(e.File + ":" + e.Name)[2..];

    /// <summary>The anchor of a function's section.</summary>
    public string AnchorOf(FunctionNode n) => _anchors[n];

    /// <summary>Makes a commentary section the home of <paramref name="n"/> (the first one wins).</summary>
    public bool SetCommentaryHome(FunctionNode n, string page) => _commentaryHome.TryAdd(n, page);

    /// <summary>The commentary page that explains <paramref name="n"/>, or null.</summary>
    public string? CommentaryOf(FunctionNode n) => _commentaryHome.GetValueOrDefault(n);

    /// <summary>The page and anchor of a function's home.</summary>
    public (string Page, string Anchor) HomeOf(FunctionNode n) =>
        (_commentaryHome.GetValueOrDefault(n) ?? ReferencePage(n.Kernel.File), _anchors[n]);

    /// <summary>The page and anchor an identifier links to.</summary>
    public (string Page, string Anchor) HomeOf(KernelSymbol e)
    {
        if (e.Kind == KernelKind.Function && NodesOf(e).FirstOrDefault() is { } n)
            return HomeOf(n);
        return (ReferencePage(e.File), NameRules.Anchor(e.Name));
    }

    /// <summary>The function nodes labelled with <paramref name="e"/> (the method itself, or the implementations of a contract member).</summary>
    public IEnumerable<FunctionNode> NodesOf(KernelSymbol e) => Graph.Nodes.Where(n => n.Kernel == e);

    /// <summary>
    /// A link from page <paramref name="from"/> to <paramref name="to"/>: the <c>.md</c> form in
    /// Markdown (docfx checks it), the <c>.html</c> form inside raw HTML and SVG.
    /// </summary>
    public static string Link(string from, string to, string? anchor, bool html)
    {
        string dir = Path.GetDirectoryName(from)?.Replace('\\', '/') ?? "";
        string rel = Path.GetRelativePath(dir.Length == 0 ? "." : dir, to).Replace('\\', '/');
        if (html && rel.EndsWith(".md", StringComparison.Ordinal))
            rel = rel[..^3] + ".html";
        if (to == from)
            return anchor is null ? Path.GetFileName(rel) : "#" + anchor;
        return anchor is null ? rel : rel + "#" + anchor;
    }
}
