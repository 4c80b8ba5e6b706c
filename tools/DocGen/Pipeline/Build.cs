using System.Diagnostics;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Graph;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Load;
using LinuxVm.DocGen.Model;
using LinuxVm.DocGen.Reference;
using LinuxVm.DocGen.Render;
using LinuxVm.DocGen.Site;
using LinuxVm.DocGen.Weave;
using LinuxVm.DocGen.Weave.Exercises;
using LinuxVm.DocGen.Weave.Figure;

namespace LinuxVm.DocGen.Pipeline;

/// <summary>The result of the DocGen stages: the finished pages and the call graph export.</summary>
/// <param name="Pages">Every page, woven and rendered, in site order.</param>
/// <param name="CallgraphJson">The text of callgraph.json.</param>
/// <param name="Timings">Seconds per stage, in order.</param>
public sealed record BuildResult(IReadOnlyList<Page> Pages, string CallgraphJson, IReadOnlyList<(string Stage, double Seconds)> Timings);

/// <summary>Runs the stages in order, timing each: load, index, graph, weave, reference, render, site.</summary>
public static class Build
{
    /// <summary>Runs load to render; throws <see cref="Diagnostics.DocGenException"/> on the first stage with errors.</summary>
    public static BuildResult Generate(BuildOptions o, Action<string, double>? report = null)
    {
        var timings = new List<(string, double)>();
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        void Done(string stage)
        {
            double s = sw.Elapsed.TotalSeconds;
            var now = Process.GetCurrentProcess().TotalProcessorTime;
            timings.Add((stage, s));
            timings.Add((stage + ":cpu", (now - cpu).TotalSeconds));
            report?.Invoke(stage, s);
            cpu = now;
            sw.Restart();
        }
        o.Check();
        string root = o.Full(".");
        var sources = SourceLoader.Load(root, o.Sources);
        Done("load");
        var index = Indexer.Build(sources);
        Done("index");
        var graph = CallGraphBuilder.Build(sources, index);
        string json = CallGraphJson.Write(graph);
        Done("graph");

        var context = new WeaveContext(sources, index, graph, new FigureRunner(o.FiguresPath), new ExerciseCatalog(root, o.Exercises))
        {
            KernelLines = KernelLines.Load(root, o.KernelLines),
        };
        var pages = Weaver.ReadPages(root);
        Weaver.Weave(context, pages);
        context.Errors.ThrowIfAny();
        timings.Add(("weave:figures", context.Figures.Elapsed.TotalSeconds));
        Done("weave");

        var all = new List<Page>(pages);
        all.AddRange(ReferenceStage.Build(context, pages, o.Api));
        LinkCheck.Check(context.Errors, pages, [.. all.Select(p => p.SitePath), "callgraph.json"]);
        context.Errors.ThrowIfAny();
        Done("reference");

        var svg = GraphRenderer.Draw(context.Graphs, o.Full(Path.Combine(o.Work, "cache", "dot")));
        foreach (var p in all)
            p.Woven = GraphRenderer.Substitute(p.Woven, svg);
        Done("render");
        return new BuildResult(all, json, timings);
    }

    /// <summary>
    /// Generates, writes the woven pages where the root's docfx.json builds them from, and runs
    /// docfx on that docfx.json; returns the timings of every stage. Every check that can fail
    /// before docfx runs (options, docfx.json, built API assemblies, the sources) comes first, so
    /// a failed build leaves the site and the woven pages as they were.
    /// </summary>
    public static IReadOnlyList<(string Stage, double Seconds)> Run(BuildOptions o, Action<string, double>? report = null)
    {
        o.Check();
        string root = o.Full(".");
        string work = o.Full(o.Work);
        string project = Path.Combine(work, "site-src");
        var docfx = DocfxConfig.Read(root);
        if (!o.NoDocfx)
            CheckDocfx(o, docfx, root, project);
        bool api = o.Api && docfx is { ApiAssemblies.Count: > 0 };

        var result = Generate(o, report);
        var sw = Stopwatch.StartNew();
        string temp = Path.Combine(work, "site-out");
        SiteWriter.Write(project, result.Pages, result.CallgraphJson, api);
        var timings = result.Timings.Where(t => !t.Stage.Contains(':', StringComparison.Ordinal)).ToList();
        if (!o.NoDocfx)
            Docfx.Build(root, docfx!.FilePath, api, temp, o.Full(o.Site), Path.Combine(work, "site-old"));
        timings.Add(("site", sw.Elapsed.TotalSeconds));
        report?.Invoke("site", sw.Elapsed.TotalSeconds);
        return timings;
    }

    /// <summary>
    /// Before docfx can run: docfx.json must exist, build from the folder DocGen writes the woven
    /// pages to, and (unless --no-api) name assemblies that are built.
    /// </summary>
    private static void CheckDocfx(BuildOptions o, DocfxConfig? docfx, string root, string project)
    {
        if (docfx is null)
            throw new UsageException($"--root '{o.Root}' has no {DocfxConfig.FileName} ({Path.Combine(root, DocfxConfig.FileName)}), the site's docfx configuration; give the repository root, or --no-docfx to only weave the pages");
        string woven = Path.GetRelativePath(root, project).Replace('\\', '/');
        if (!docfx.ContentFolders.Contains(woven))
            throw new UsageException($"{DocfxConfig.FileName} builds the site from {string.Join(", ", docfx.ContentFolders.Select(c => c.Length == 0 ? "the root" : c))}, but --work '{o.Work}' puts the woven pages in {woven}; use the --work that docfx.json expects, or change its build.content src");
        if (!o.Api)
            return;
        var errors = new Diagnostics.ErrorList();
        foreach (var (file, line) in docfx.ApiAssemblies.Where(a => !a.File.Contains('*', StringComparison.Ordinal)))
            if (!File.Exists(Path.Combine(root, file)))
                errors.Add(DocfxConfig.FileName, line, 1, $"{file}, which the API reference documents, is not built; run dotnet build -c Release first, or give --no-api");
        errors.ThrowIfAny();
    }
}
