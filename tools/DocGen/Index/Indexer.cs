using System.Text;
using System.Xml.Linq;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Load;
using LinuxVm.Mm;
using Microsoft.CodeAnalysis;

namespace LinuxVm.DocGen.Index;

/// <summary>
/// Stage 2, Index: reads every <c>[Linux(file, name)]</c> attribute of the port, checks that each
/// is well formed and that no two unrelated symbols claim the same (file, name), and builds the
/// <see cref="SymbolIndex"/>.
/// </summary>
public static class Indexer
{
    /// <summary>The attribute's simple name; any namespace will do so that fixtures can declare their own.</summary>
    public const string AttributeName = "LinuxAttribute";

    /// <summary>Indexes <paramref name="sources"/>; throws <see cref="DocGenException"/> listing every bad attribute.</summary>
    public static SymbolIndex Build(LoadedSources sources)
    {
        var errors = new ErrorList();
        var members = new List<ISymbol>();
        var entries = new List<KernelSymbol>();
        foreach (var type in AllTypes(sources.Compilation.Assembly.GlobalNamespace))
        {
            if (type.IsImplicitlyDeclared || type.Locations.All(l => !l.IsInSource))
                continue;
            members.Add(type);
            Collect(type, sources, entries, errors);
            foreach (var m in type.GetMembers())
            {
                if (m.IsImplicitlyDeclared || m is INamedTypeSymbol || !m.Locations.Any(l => l.IsInSource))
                    continue;
                if (m is IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove })
                    continue;
                members.Add(m);
                Collect(m, sources, entries, errors);
            }
        }

        var byKey = new Dictionary<string, KernelSymbol>(StringComparer.Ordinal);
        var unique = new List<KernelSymbol>();
        foreach (var e in entries)
        {
            if (byKey.TryGetValue(e.Key, out var first))
            {
                if (Related(first.Symbol, e.Symbol))
                    continue; // an interface member and its implementation may both carry the name
                var (file, line, col) = AttributePlace(e);
                errors.Add(file, line, col,
                    $"kernel name '{e.Name}' of {e.File} is already given to {first.CSharpName} at {first.SourceFile}:{first.Line}; each (file, name) ports to one symbol");
                continue;
            }
            byKey[e.Key] = e;
            unique.Add(e);
        }
        errors.ThrowIfAny();
        unique.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.File, b.File);
            if (c == 0) c = string.CompareOrdinal(a.SourceFile, b.SourceFile);
            if (c == 0) c = a.Line.CompareTo(b.Line);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        return new SymbolIndex(unique, members);
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
    {
        foreach (var m in ns.GetMembers())
        {
            if (m is INamespaceSymbol child)
            {
                foreach (var t in AllTypes(child))
                    yield return t;
            }
            else if (m is INamedTypeSymbol type)
            {
                foreach (var t in WithNested(type))
                    yield return t;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> WithNested(INamedTypeSymbol type)
    {
        yield return type;
        foreach (var n in type.GetTypeMembers())
            foreach (var t in WithNested(n))
                yield return t;
    }

    private static bool Related(ISymbol a, ISymbol b)
    {
        static bool Implements(ISymbol impl, ISymbol iface) =>
            iface.ContainingType?.TypeKind == TypeKind.Interface && impl.ContainingType is { } t &&
            SymbolEqualityComparer.Default.Equals(t.FindImplementationForInterfaceMember(iface), impl);
        // Configuration variants (2-level and PAE page tables) override one abstract member.
        static ISymbol? Root(ISymbol s)
        {
            ISymbol? r = null;
            for (var o = s switch { IMethodSymbol m => (ISymbol?)m.OverriddenMethod, IPropertySymbol p => p.OverriddenProperty, _ => null };
                 o is not null;
                 o = o switch { IMethodSymbol m => m.OverriddenMethod, IPropertySymbol p => p.OverriddenProperty, _ => null })
                r = o;
            return r;
        }
        var ra = Root(a) ?? a;
        var rb = Root(b) ?? b;
        return Implements(a, b) || Implements(b, a) || SymbolEqualityComparer.Default.Equals(ra, rb);
    }

    private static void Collect(ISymbol symbol, LoadedSources sources, List<KernelSymbol> entries, ErrorList errors)
    {
        foreach (var attr in symbol.GetAttributes())
        {
            if (attr.AttributeClass?.Name != AttributeName)
                continue;
            var syntax = attr.ApplicationSyntaxReference?.GetSyntax();
            var place = syntax?.GetLocation().GetLineSpan();
            string file = place?.Path ?? "?";
            int line = (place?.StartLinePosition.Line ?? 0) + 1, col = (place?.StartLinePosition.Character ?? 0) + 1;
            if (attr.ConstructorArguments.Length != 2 ||
                attr.ConstructorArguments[0].Value is not string kfile || attr.ConstructorArguments[1].Value is not string kname)
            {
                errors.Add(file, line, col, "[Linux] takes two constant strings: the kernel file and the kernel name");
                continue;
            }
            if (!KernelNames.IsFile(kfile))
            {
                errors.Add(file, line, col, $"[Linux] file '{kfile}' is not a path in the kernel tree such as \"mm/page_alloc.c\"");
                continue;
            }
            if (!KernelNames.IsName(kname))
            {
                errors.Add(file, line, col, $"[Linux] name '{kname}' is not a kernel identifier (a C name, \"struct x\", or \"struct_name.field\")");
                continue;
            }
            var decl = symbol.Locations.First(l => l.IsInSource).GetLineSpan();
            entries.Add(new KernelSymbol
            {
                Name = kname,
                File = kfile,
                Kind = KindOf(symbol, kname),
                Symbol = symbol,
                DocId = symbol.GetDocumentationCommentId() ?? SymbolIndex.FullName(symbol),
                CSharpName = CSharpName(symbol),
                SourceFile = decl.Path,
                Line = decl.StartLinePosition.Line + 1,
                Summary = Summary(symbol),
            });
            _ = sources;
        }
    }

    /// <summary>The name a reader types for a symbol: <c>PageAlloc.Rmqueue</c>, or the type's own name.</summary>
    public static string CSharpName(ISymbol s) =>
        s is INamedTypeSymbol t ? t.Name : $"{s.ContainingType?.Name}.{(s is IMethodSymbol { MethodKind: MethodKind.Constructor } ? s.ContainingType?.Name : s.Name)}";

    private static KernelKind KindOf(ISymbol symbol, string name)
    {
        if (symbol is INamedTypeSymbol || name.StartsWith("struct ", StringComparison.Ordinal) || name.StartsWith("union ", StringComparison.Ordinal) || name.StartsWith("enum ", StringComparison.Ordinal))
            return KernelKind.Struct;
        if (name.Contains('.'))
            return KernelKind.Field;
        if (symbol is IMethodSymbol)
            return KernelKind.Function;
        if (symbol is IFieldSymbol { IsConst: true } or IFieldSymbol { ContainingType.TypeKind: TypeKind.Enum } || name.All(c => char.IsUpper(c) || char.IsDigit(c) || c == '_'))
            return KernelKind.Constant;
        return KernelKind.Variable;
    }

    /// <summary>The symbol's XML doc summary turned into one line of Markdown.</summary>
    public static string Summary(ISymbol symbol)
    {
        string? xml = symbol.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml))
            return "";
        try
        {
            var summary = XDocument.Parse(xml).Root?.Element("summary");
            return summary is null ? "" : DocText(summary);
        }
        catch (System.Xml.XmlException)
        {
            return "";
        }
    }

    /// <summary>Turns an XML doc element into Markdown: code, crefs and paramrefs become code spans.</summary>
    public static string DocText(XElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    sb.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "c" or "paramref" or "typeparamref" } e:
                    sb.Append('`').Append(e.Attribute("name")?.Value ?? e.Value).Append('`');
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } e:
                    string cref = e.Attribute("cref")?.Value ?? e.Attribute("langword")?.Value ?? e.Attribute("href")?.Value ?? "";
                    string shown = e.Value.Length > 0 ? e.Value : ShortCref(cref);
                    sb.Append('`').Append(shown).Append('`');
                    break;
                case XElement e:
                    sb.Append(DocText(e));
                    break;
            }
        }
        return string.Join(' ', sb.ToString().Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    private static string ShortCref(string cref)
    {
        if (cref.Length > 2 && cref[1] == ':')
            cref = cref[2..];
        int paren = cref.IndexOf('(');
        if (paren >= 0)
            cref = cref[..paren];
        string[] parts = cref.Split('.');
        return parts.Length >= 2 && char.IsUpper(parts[^2][0]) ? $"{parts[^2]}.{parts[^1]}" : parts[^1];
    }

    /// <summary>Where the attribute that named <paramref name="e"/> is written.</summary>
    public static (string File, int Line, int Column) AttributePlace(KernelSymbol e)
    {
        foreach (var attr in e.Symbol.GetAttributes())
        {
            if (attr.AttributeClass?.Name == AttributeName && attr.ConstructorArguments.Length == 2 &&
                (string?)attr.ConstructorArguments[1].Value == e.Name && attr.ApplicationSyntaxReference is { } r)
            {
                var span = r.GetSyntax().GetLocation().GetLineSpan();
                return (span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
            }
        }
        return (e.SourceFile, e.Line, 1);
    }
}
