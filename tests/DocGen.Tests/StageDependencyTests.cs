using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LinuxVm.DocGen.Tests;

/// <summary>
/// DocGen's folders are its stages, and each uses only the ones before it and the shared site
/// model: Weave and Render both read Model (where pages live, the graphs asked for, their DOT)
/// and neither reads the other. The check binds DocGen's own sources with Roslyn, so a fully
/// qualified name or a <c>using</c> alike counts as a use.
/// </summary>
public sealed class StageDependencyTests
{
    // What each stage (the namespace under LinuxVm.DocGen, its sub-namespaces included) may use.
    private static readonly Dictionary<string, string[]> MayUse = new(StringComparer.Ordinal)
    {
        ["Diagnostics"] = [],
        ["Load"] = ["Diagnostics"],
        ["Index"] = ["Diagnostics", "Load"],
        ["Graph"] = ["Diagnostics", "Load", "Index"],
        ["Model"] = ["Diagnostics", "Index", "Graph"],
        ["Weave"] = ["Diagnostics", "Load", "Index", "Graph", "Model"],
        ["Reference"] = ["Diagnostics", "Load", "Index", "Graph", "Model", "Weave"],
        ["Render"] = ["Diagnostics", "Model"],
        ["Site"] = ["Diagnostics", "Model"],
        ["Pipeline"] = ["Diagnostics", "Load", "Index", "Graph", "Model", "Weave", "Reference", "Render", "Site"],
        [""] = ["Diagnostics", "Pipeline"],
    };

    private static string DocGenDir => Path.GetFullPath(Path.Combine(Fixture.ProjectDir(), "..", "..", "tools", "DocGen"));

    /// <summary>Every use of a DocGen type or namespace from another stage: (from stage, to stage, file:line and name).</summary>
    private static List<(string From, string To, string Where)> Uses()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = Directory.EnumerateFiles(DocGenDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(DocGenDir, f).Replace('\\', '/').Split('/')[0].Equals("bin", StringComparison.Ordinal)
                        && !Path.GetRelativePath(DocGenDir, f).Replace('\\', '/').Split('/')[0].Equals("obj", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, Path.GetRelativePath(DocGenDir, f).Replace('\\', '/')))
            .ToList();
        trees.Add(CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;",
            parse, "<implicit usings>"));
        // DocGen's own dependencies (Roslyn, Markdig, System.CommandLine) from this test's output, not DocGen itself.
        var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("LinuxVm.", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("DocGenStages", trees, refs,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var uses = new System.Collections.Concurrent.ConcurrentBag<(string, string, string)>();
        Parallel.ForEach(trees.Where(t => t.FilePath != "<implicit usings>"), tree =>
        {
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            string? from = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString() is { } ns ? StageOf(ns) : null;
            if (from is null)
                return;
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Name.Span.Contains(name.Span)))
                    continue;
                var info = model.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol is null)
                    continue;
                // The root namespace is only the start of every qualified name (LinuxVm.DocGen.Weave).
                string? to = StageOf(NamespaceOf(symbol));
                if (to is null || to == from || (symbol is INamespaceSymbol && to.Length == 0))
                    continue;
                int line = name.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                uses.Add((from, to, $"{tree.FilePath}:{line} {name.Identifier.Text}"));
            }
        });
        return uses.OrderBy(u => u.Item3, StringComparer.Ordinal).ToList();
    }

    private static string NamespaceOf(ISymbol s)
    {
        if (s is INamespaceSymbol n)
            return n.ToDisplayString();
        while (s.ContainingType is not null)
            s = s.ContainingType;
        return s.ContainingNamespace?.ToDisplayString() ?? "";
    }

    /// <summary>The stage of a namespace: "Weave" for LinuxVm.DocGen.Weave.Callgraph, "" for LinuxVm.DocGen itself, null outside DocGen.</summary>
    private static string? StageOf(string ns)
    {
        const string prefix = "LinuxVm.DocGen";
        if (ns == prefix)
            return "";
        if (!ns.StartsWith(prefix + ".", StringComparison.Ordinal))
            return null;
        return ns[(prefix.Length + 1)..].Split('.')[0];
    }

    [Fact]
    public void EachStage_UsesOnlyTheStagesItMay_AndWeaveAndRenderNeverEachOther()
    {
        var uses = Uses();
        // The check sees uses at all: the pipeline runs every stage.
        Assert.Contains(uses, u => u.From == "Pipeline" && u.To == "Weave");
        Assert.Contains(uses, u => u.From == "Pipeline" && u.To == "Render");

        var unknown = uses.Select(u => u.From).Concat(uses.Select(u => u.To)).Distinct().Where(s => !MayUse.ContainsKey(s)).ToList();
        Assert.True(unknown.Count == 0, $"namespaces under LinuxVm.DocGen that are no stage of this test's table: {string.Join(", ", unknown)}; add them to MayUse");

        var weaveRender = uses.Where(u => (u.From, u.To) is ("Weave", "Render") or ("Render", "Weave")).Select(u => $"{u.From} -> {u.To}: {u.Where}").ToList();
        Assert.True(weaveRender.Count == 0, "Weave and Render use each other; what both need belongs in Model:\n" + string.Join("\n", weaveRender));

        var bad = uses.Where(u => !MayUse[u.From].Contains(u.To)).Select(u => $"{u.From} -> {u.To}: {u.Where}").Distinct().ToList();
        Assert.True(bad.Count == 0, "stages that use a stage they may not:\n" + string.Join("\n", bad));
    }
}
