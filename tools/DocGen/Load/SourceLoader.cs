using System.Xml.Linq;
using LinuxVm.DocGen.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LinuxVm.DocGen.Load;

/// <summary>
/// Stage 1, Load: parses every <c>.cs</c> file under the source folders into one Roslyn
/// compilation against the runtime's reference assemblies, without MSBuild, and stops on
/// compile errors (a site of code that does not build would lie).
/// </summary>
public static class SourceLoader
{
    // What ImplicitUsings brings to a Microsoft.NET.Sdk project; Directory.Build.targets and the
    // csproj files may add or remove entries, which Load applies (see ReadUsings).
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>Loads <paramref name="sourceDirs"/> (relative to <paramref name="root"/>) into one compilation.</summary>
    /// <param name="root">The repository root; file names in errors are relative to it.</param>
    /// <param name="sourceDirs">Folders to read recursively, e.g. <c>src</c>.</param>
    public static LoadedSources Load(string root, IReadOnlyList<string> sourceDirs)
    {
        root = Path.GetFullPath(root);
        var parse = new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.Parse);
        var files = new List<string>();
        foreach (string dir in sourceDirs)
        {
            string full = Path.Combine(root, dir);
            if (!Directory.Exists(full))
                throw new UsageException($"--src '{dir}' is not a folder ({full}); give a folder of the port, relative to --root");
            files.AddRange(Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(Path.GetRelativePath(full, f))));
        }
        files.Sort(StringComparer.Ordinal);

        // Files parse independently, so both cores share them; the list keeps the sorted order.
        var parsed = new SyntaxTree[files.Count];
        Parallel.For(0, files.Count, i => parsed[i] = CSharpSyntaxTree.ParseText(File.ReadAllText(files[i]), parse, Rel(root, files[i])));
        var trees = new List<SyntaxTree>(parsed);
        string usings = string.Concat(ReadUsings(root, sourceDirs).Select(u => $"global using global::{u};\n"));
        trees.Add(CSharpSyntaxTree.ParseText(usings, parse, "<implicit usings>"));

        // Nullable annotations are read (symbols keep their `?`), but nullable flow analysis is
        // off: it only ever yields warnings, which DocGen does not report (the port's own build
        // does), and it was a third of the binding that Load and Graph pay for.
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Annotations, allowUnsafe: true,
            concurrentBuild: true, deterministic: true);
        var compilation = CSharpCompilation.Create("LinuxVm.DocGen.Port", trees, ReferenceAssemblies(), options);

        // Binding every body through the per-tree semantic models (in parallel) both finds the
        // compile errors and warms the models that Graph and Weave query afterwards.
        var loaded = new LoadedSources(root, compilation, trees.Where(t => t.FilePath != "<implicit usings>").ToList());
        var found = new System.Collections.Concurrent.ConcurrentBag<Diagnostic>();
        Parallel.ForEach(trees, tree =>
        {
            foreach (var d in loaded.Model(tree).GetDiagnostics())
                if (d.Severity == DiagnosticSeverity.Error)
                    found.Add(d);
        });
        foreach (var d in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !d.Location.IsInSource))
            found.Add(d);
        var errors = new ErrorList();
        foreach (var d in found.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).Take(50))
        {
            var span = d.Location.GetLineSpan();
            errors.Add(span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
                $"error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        errors.ThrowIfAny();
        return loaded;
    }

    /// <summary>Repository-relative path with forward slashes.</summary>
    public static string Rel(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static bool IsBuildOutput(string rel)
    {
        string[] parts = rel.Replace('\\', '/').Split('/');
        return parts.Any(p => p is "bin" or "obj");
    }

    private static IEnumerable<string> ReadUsings(string root, IReadOnlyList<string> sourceDirs)
    {
        var usings = new SortedSet<string>(ImplicitUsings, StringComparer.Ordinal);
        var projectFiles = new List<string>();
        string targets = Path.Combine(root, "Directory.Build.targets");
        if (File.Exists(targets))
            projectFiles.Add(targets);
        foreach (string dir in sourceDirs)
            projectFiles.AddRange(Directory.EnumerateFiles(Path.Combine(root, dir), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        foreach (string file in projectFiles)
        {
            foreach (var item in XDocument.Load(file).Descendants("Using"))
            {
                if (item.Attribute("Include")?.Value is { } inc && item.Attribute("Alias") is null && item.Attribute("Static") is null)
                    usings.Add(inc);
                if (item.Attribute("Remove")?.Value is { } rem)
                    usings.Remove(rem);
            }
        }
        return usings;
    }

    private static List<MetadataReference> ReferenceAssemblies()
    {
        // The reference pack of the runtime we run on, else the runtime's own assemblies.
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string version = Path.GetFileName(runtimeDir);
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string? refDir = null;
        if (Directory.Exists(packs))
        {
            string major = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
            refDir = Directory.EnumerateDirectories(packs)
                .Select(d => Path.Combine(d, "ref", major))
                .Where(Directory.Exists)
                .OrderBy(d => d == Path.Combine(packs, version, "ref", major) ? 0 : 1)
                .ThenByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        IEnumerable<string> dlls = refDir is not null
            ? Directory.EnumerateFiles(refDir, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return dlls.Order(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }
}

/// <summary>The result of Load: the compilation and its trees (each named by its repository-relative path).</summary>
/// <param name="Root">Absolute repository root.</param>
/// <param name="Compilation">One compilation of every source file.</param>
/// <param name="Trees">The project's own syntax trees.</param>
public sealed record LoadedSources(string Root, CSharpCompilation Compilation, IReadOnlyList<SyntaxTree> Trees)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();

    /// <summary>The one semantic model of <paramref name="tree"/> that every stage shares (its bindings are cached).</summary>
    public SemanticModel Model(SyntaxTree tree) => _models.GetOrAdd(tree, t => Compilation.GetSemanticModel(t));
}
