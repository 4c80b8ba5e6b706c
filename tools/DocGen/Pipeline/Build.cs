using System.Diagnostics;
using System.Xml.Linq;
using LinuxVm.DocGen.Graph;
using LinuxVm.DocGen.Index;
using LinuxVm.DocGen.Load;
using LinuxVm.DocGen.Render;
using LinuxVm.DocGen.Site;
using LinuxVm.DocGen.Weave;
using LinuxVm.DocGen.Weave.Exercises;
using LinuxVm.DocGen.Weave.Figure;
using LinuxVm.DocGen.Weave.Pages;

namespace LinuxVm.DocGen.Pipeline;

/// <summary>The result of the DocGen stages: the finished pages and the call graph export.</summary>
/// <param name="Pages">Every page, woven and rendered, in site order.</param>
/// <param name="CallgraphJson">The text of callgraph.json.</param>
/// <param name="Timings">Seconds per stage, in order.</param>
public sealed record BuildResult(IReadOnlyList<Page> Pages, string CallgraphJson, IReadOnlyList<(string Stage, double Seconds)> Timings);

/// <summary>Runs the stages in order, timing each: load, index, graph, weave, render, site.</summary>
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
        var chapters = pages.Where(p => p.Kind == PageKind.Chapter).OrderBy(p => p.Chapter ?? int.MaxValue).ToList();
        var commentary = pages.Where(p => p.Kind == PageKind.Commentary).ToList();
        var all = new List<Page>(pages);
        var links = new FileLinks(context, chapters, commentary);
        all.AddRange(ReferencePages.Build(context, commentary, links));
        all.Add(CrossReferencePage.Build(context, pages));
        all.Add(HomePage.Build(context, chapters, commentary));
        if (commentary.Count > 0)
            all.Add(IndexPages.Commentary(context, commentary, links));
        if (o.Api)
            all.AddRange(IndexPages.Api(context, links));
        foreach (var t in sources.Trees)
            context.LinkedSources.Add(t.FilePath);
        all.AddRange(SourcePages.Build(context, context.LinkedSources, links));
        all.Add(IndexPages.Source(context.LinkedSources.ToList(), links));
        context.Errors.ThrowIfAny();
        timings.Add(("weave:figures", context.Figures.Elapsed.TotalSeconds));
        Done("weave");

        var svg = GraphRenderer.Draw(context.Graphs, o.Full(Path.Combine(o.Work, "cache", "dot")));
        foreach (var p in all)
            p.Woven = GraphRenderer.Substitute(p.Woven, svg);
        Done("render");
        return new BuildResult(all, json, timings);
    }

    /// <summary>Generates, writes the docfx project and runs docfx; returns the timings of every stage.</summary>
    public static IReadOnlyList<(string Stage, double Seconds)> Run(BuildOptions o, Action<string, double>? report = null)
    {
        var result = Generate(o, report);
        var sw = Stopwatch.StartNew();
        string work = o.Full(o.Work);
        string project = Path.Combine(work, "site-src");
        string temp = Path.Combine(work, "site-out");
        SiteWriter.Write(project, result.Pages, result.CallgraphJson, o.Api ? ApiAssemblies(o) : [], temp);
        var timings = result.Timings.Where(t => !t.Stage.Contains(':', StringComparison.Ordinal)).ToList();
        if (!o.NoDocfx)
            Docfx.Build(o.Full("."), Path.Combine(project, "docfx.json"), temp, o.Full(o.Site), Path.Combine(work, "site-old"));
        timings.Add(("site", sw.Elapsed.TotalSeconds));
        report?.Invoke("site", sw.Elapsed.TotalSeconds);
        return timings;
    }

    /// <summary>The built assemblies of the port's projects (their XML docs beside them) for docfx's API reference.</summary>
    public static List<string> ApiAssemblies(BuildOptions o)
    {
        var list = new List<string>();
        foreach (string dir in o.Sources)
        {
            foreach (string csproj in Directory.EnumerateFiles(o.Full(dir), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string name = XDocument.Load(csproj).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(csproj);
                string dll = Path.Combine(Path.GetDirectoryName(csproj)!, "bin", o.Configuration, "net10.0", name + ".dll");
                if (!File.Exists(dll))
                    throw Diagnostics.DocGenException.At(Path.GetRelativePath(o.Full("."), csproj), 1, 1,
                        $"{name}.dll is not built in {o.Configuration}; run dotnet build -c {o.Configuration} first");
                list.Add(dll);
            }
        }
        return list;
    }
}
