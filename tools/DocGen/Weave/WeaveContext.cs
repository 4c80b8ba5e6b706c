using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Graph;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Load;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Weave.Exercises;
using LinuxVm.DocGen.Weave.Figure;
using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Weave;

/// <summary>Everything a directive needs while it is woven into a page, and what weaving collects.</summary>
public sealed class WeaveContext
{
    private readonly Dictionary<string, SortedSet<string>> _mentions = new(StringComparer.Ordinal);

    /// <summary>Creates the context of one build.</summary>
    public WeaveContext(LoadedSources sources, SymbolIndex index, CallGraph graph, FigureRunner figures, ExerciseCatalog exercises)
    {
        Sources = sources;
        Index = index;
        Graph = graph;
        Map = new SiteMap(index, graph);
        Figures = figures;
        Exercises = exercises;
    }

    /// <summary>The loaded port.</summary>
    public LoadedSources Sources { get; }

    /// <summary>Kernel names and symbols.</summary>
    public SymbolIndex Index { get; }

    /// <summary>The call graph.</summary>
    public CallGraph Graph { get; }

    /// <summary>Where pages and sections are.</summary>
    public SiteMap Map { get; }

    /// <summary>Runs figure methods.</summary>
    public FigureRunner Figures { get; }

    /// <summary>The chapters' exercises.</summary>
    public ExerciseCatalog Exercises { get; }

    /// <summary>The chapter numbers of the site's chapter pages (<c>chapters/NN-*.md</c>).</summary>
    public SortedSet<int> Chapters { get; } = [];

    /// <summary>Where the kernel identifiers are in the original C.</summary>
    public KernelLines KernelLines { get; init; } = new();

    /// <summary>Graphs to lay out in the Render stage.</summary>
    public GraphRequests Graphs { get; } = new();

    /// <summary>Errors found so far.</summary>
    public ErrorList Errors { get; } = new();

    /// <summary>The page being woven.</summary>
    public Page Page { get; set; } = null!;

    /// <summary>Source files that snippets and exercises link to (their source views must exist).</summary>
    public SortedSet<string> LinkedSources { get; } = new(StringComparer.Ordinal);

    /// <summary>Records an error at a 0-based line and column of the current page.</summary>
    public void Error(int line0, int column0, string message) => Errors.Add(Page.Source, line0 + 1, column0 + 1, message);

    /// <summary>Notes that the current page mentions <paramref name="e"/>.</summary>
    public void Mention(KernelSymbol e)
    {
        if (!_mentions.TryGetValue(e.Key, out var pages))
            _mentions[e.Key] = pages = new SortedSet<string>(StringComparer.Ordinal);
        pages.Add(Page.SitePath);
    }

    /// <summary>The pages that mention an identifier (by <see cref="KernelSymbol.Key"/>).</summary>
    public IReadOnlyCollection<string> MentionsOf(KernelSymbol e) => _mentions.TryGetValue(e.Key, out var p) ? p : [];

    /// <summary>
    /// Resolves a directive's <c>kernel=</c> (with optional <c>file=</c>) or <c>csharp=</c> to one
    /// symbol; on failure reports why through <paramref name="fail"/> and returns null.
    /// </summary>
    public (ISymbol Symbol, KernelSymbol? Kernel)? Resolve(string? kernel, string? file, string? csharp, Action<string> fail)
    {
        if (kernel is not null)
        {
            if (file is not null)
            {
                if (Index.ByKey(file, kernel) is { } e)
                    return (e.Symbol, e);
                fail(Index.ByName(kernel).Count > 0
                    ? $"kernel name '{kernel}' is not ported from {file}; it is ported from {string.Join(", ", Index.ByName(kernel).Select(x => x.File))}"
                    : $"unknown kernel name '{kernel}' in {file}{Suggest(kernel)}");
                return null;
            }
            var hits = Index.ByName(kernel);
            if (hits.Count == 1)
                return (hits[0].Symbol, hits[0]);
            fail(hits.Count == 0
                ? $"unknown kernel name '{kernel}'{Suggest(kernel)}"
                : $"ambiguous kernel name '{kernel}': it is ported from {string.Join(" and ", hits.Select(h => $"{h.File} ({h.CSharpName})"))}; add file=\"...\"");
            return null;
        }
        if (csharp is not null)
        {
            var hits = Index.ByCSharpName(csharp);
            if (hits.Count > 1 && hits.Count(h => Index.BySymbol(h).Count > 0) == 1)
                hits = hits.Where(h => Index.BySymbol(h).Count > 0).ToList();
            if (hits.Count == 1)
                return (hits[0], Index.BySymbol(hits[0]).FirstOrDefault());
            fail(hits.Count == 0
                ? $"unknown C# symbol '{csharp}'"
                : $"ambiguous C# name '{csharp}': {string.Join(", ", hits.Select(h => h.ToDisplayString()))}; give the parameter types, e.g. csharp=\"{csharp}(int)\", or use kernel=\"...\"");
            return null;
        }
        fail("no symbol named: give kernel=\"...\" or csharp=\"...\"");
        return null;
    }

    /// <summary>
    /// "; did you mean 'x'?" for the ported names close to <paramref name="name"/>: a few edits
    /// away (one for a short name, up to three for a long one), or starting with it (a name cut
    /// short); nothing for a name of one or two characters, and nothing when no name is close.
    /// </summary>
    private string Suggest(string name)
    {
        if (name.Length < 3)
            return "";
        int limit = name.Length <= 5 ? 1 : name.Length <= 10 ? 2 : 3;
        var near = Index.All.Select(e => e.Name).Distinct()
            .Select(n => (Name: n, Edits: Distance(n, name, limit)))
            .Where(x => x.Edits <= limit || (name.Length >= 4 && x.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Edits).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(5).Select(x => x.Name).ToList();
        return near.Count == 0 ? "" : $"; did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?";
    }

    /// <summary>Edit distance (insert, delete, replace; case ignored), or <paramref name="limit"/> + 1 when it is surely more than the limit.</summary>
    internal static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
            return limit + 1;
        var d = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) d[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int prev = d[0];
            d[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int tmp = d[j];
                bool same = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]);
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), prev + (same ? 0 : 1));
                prev = tmp;
            }
        }
        return Math.Min(d[b.Length], limit + 1);
    }
}
