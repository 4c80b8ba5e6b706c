using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Index;

/// <summary>
/// Stage 2's product: kernel names to C# symbols to files, lines and doc summaries, and back.
/// Lookups that can match several symbols return them all; the caller decides what ambiguity means.
/// </summary>
public sealed class SymbolIndex
{
    private readonly Dictionary<string, List<KernelSymbol>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KernelSymbol> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<ISymbol, List<KernelSymbol>> _bySymbol = new(SymbolEqualityComparer.Default);
    private readonly List<KernelSymbol> _all = [];

    /// <summary>Creates an index over <paramref name="entries"/> (already validated).</summary>
    /// <param name="entries">Every kernel symbol of the port.</param>
    /// <param name="members">Every named C# member and type of the port, for lookups by C# name.</param>
    public SymbolIndex(IEnumerable<KernelSymbol> entries, IReadOnlyList<ISymbol> members)
    {
        foreach (var e in entries)
        {
            _all.Add(e);
            _byKey[e.Key] = e;
            if (!_byName.TryGetValue(e.Name, out var list))
                _byName[e.Name] = list = [];
            list.Add(e);
            if (!_bySymbol.TryGetValue(e.Symbol, out var sl))
                _bySymbol[e.Symbol] = sl = [];
            sl.Add(e);
        }
        Members = members;
    }

    /// <summary>Every kernel symbol, ordered by kernel file, then source file and line.</summary>
    public IReadOnlyList<KernelSymbol> All => _all;

    /// <summary>Every C# type and member declared in the port.</summary>
    public IReadOnlyList<ISymbol> Members { get; }

    /// <summary>The entries named <paramref name="name"/>, in any kernel file.</summary>
    public IReadOnlyList<KernelSymbol> ByName(string name) =>
        _byName.TryGetValue(name, out var l) ? l : [];

    /// <summary>The entry for <paramref name="name"/> in <paramref name="file"/>, or null.</summary>
    public KernelSymbol? ByKey(string file, string name) => _byKey.GetValueOrDefault($"{file}:{name}");

    /// <summary>The kernel names a C# symbol carries (usually one).</summary>
    public IReadOnlyList<KernelSymbol> BySymbol(ISymbol symbol) =>
        _bySymbol.TryGetValue(symbol.OriginalDefinition, out var l) ? l : [];

    /// <summary>
    /// Symbols a C# name designates: <c>Member</c>, <c>Type.Member</c>, <c>Namespace.Type.Member</c>,
    /// or a type name; <c>Type.Member(int,Page)</c> picks one overload by its parameter types.
    /// </summary>
    public IReadOnlyList<ISymbol> ByCSharpName(string name)
    {
        string? parameters = null;
        int paren = name.IndexOf('(');
        if (paren >= 0)
        {
            parameters = Normalize(name[paren..]);
            name = name[..paren];
        }
        var hits = new List<ISymbol>();
        foreach (var m in Members)
        {
            string full = FullName(m);
            if (full != name && !full.EndsWith("." + name, StringComparison.Ordinal))
                continue;
            if (parameters is not null)
            {
                if (m is not IMethodSymbol method)
                    continue;
                string sig = "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))) + ")";
                if (Normalize(sig) != parameters)
                    continue;
            }
            hits.Add(m);
        }
        return hits;
    }

    /// <summary>Namespace-qualified name without parameters: <c>LinuxVm.Mm.PageAlloc.Rmqueue</c>.</summary>
    public static string FullName(ISymbol s) =>
        s is INamedTypeSymbol or INamespaceSymbol
            ? s.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None))
            : FullName(s.ContainingType) + "." + s.Name;

    private static string Normalize(string sig) => new(sig.Where(c => !char.IsWhiteSpace(c)).ToArray());
}
