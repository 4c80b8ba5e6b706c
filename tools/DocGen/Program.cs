using System.CommandLine;
using System.Globalization;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen;

/// <summary>
/// <c>DocGen [build] [options]</c> builds the site; <c>DocGen bench [--runs N]</c> times the DocGen
/// stages (load, index, graph, weave, reference, render) without docfx.
/// </summary>
public static class Program
{
    /// <summary>
    /// Entry point; returns 0 on success, 1 when the sources have errors (each printed as
    /// file:line:column: message), 2 on bad usage (an unknown option, a missing or empty value, or
    /// an option naming a folder or file DocGen cannot use), printed as one line.
    /// </summary>
    public static int Main(string[] args)
    {
        var root = BuildRoot();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"docgen: {error.Message}");
            Console.Error.WriteLine("docgen: see DocGen --help");
            return 2;
        }
        return parsed.Invoke();
    }

    /// <summary>The options every command shares (they may come before or after the command's name).</summary>
    private sealed class Options
    {
        public Option<string> Root { get; } = new("--root") { Description = "the repository root", DefaultValueFactory = _ => ".", Recursive = true };
        public Option<string[]> Src { get; } = new("--src") { Description = "a folder of the port to load (repeat for several; default src)", Recursive = true };
        public Option<string[]> Exercises { get; } = new("--exercises") { Description = "a folder of exercises (repeat for several; default tests/Exercises)", Recursive = true };
        public Option<string?> Figures { get; } = new("--figures") { Description = "the figures assembly (default tools/Figures/bin/<configuration>/net10.0/LinuxVm.Figures.dll)", Recursive = true };
        public Option<string> Configuration { get; } = new("--configuration", "-c") { Description = "the build configuration of the default figures assembly (the API reference documents the assemblies docfx.json names)", DefaultValueFactory = _ => "Release", Recursive = true };
        public Option<string> Work { get; } = new("--work") { Description = "DocGen's work folder: the woven pages (in site-src, where docfx.json builds from), the graph cache, docfx's temporary output", DefaultValueFactory = _ => ".docgen", Recursive = true };
        public Option<string> Site { get; } = new("--site") { Description = "where the finished site goes", DefaultValueFactory = _ => "_site", Recursive = true };
        public Option<bool> NoDocfx { get; } = new("--no-docfx") { Description = "weave the pages into the work folder but do not run docfx", Recursive = true };
        public Option<bool> NoApi { get; } = new("--no-api") { Description = "leave out the API reference (docfx.json's metadata step)", Recursive = true };

        public Options()
        {
            foreach (var o in new Option[] { Root, Src, Exercises, Figures, Configuration, Work, Site })
                o.Validators.Add(r =>
                {
                    if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                        r.AddError($"{o.Name} needs a non-empty value");
                });
            Src.AllowMultipleArgumentsPerToken = false;
            Exercises.AllowMultipleArgumentsPerToken = false;
        }

        public void AddTo(Command cmd)
        {
            foreach (var o in new Option[] { Root, Src, Exercises, Figures, Configuration, Work, Site, NoDocfx, NoApi })
                cmd.Options.Add(o);
        }

        public BuildOptions Read(ParseResult r)
        {
            var o = new BuildOptions
            {
                Root = r.GetValue(Root)!,
                Figures = r.GetValue(Figures),
                Configuration = r.GetValue(Configuration)!,
                Work = r.GetValue(Work)!,
                Site = r.GetValue(Site)!,
                NoDocfx = r.GetValue(NoDocfx),
                Api = !r.GetValue(NoApi),
            };
            if (r.GetValue(Src) is { Length: > 0 } src)
                o.Sources = [.. src];
            if (r.GetValue(Exercises) is { Length: > 0 } ex)
                o.Exercises = [.. ex];
            return o;
        }
    }

    /// <summary>The command tree: the root builds (as <c>build</c> does), <c>bench</c> times the stages.</summary>
    public static RootCommand BuildRoot()
    {
        var options = new Options();
        var root = new RootCommand("Weaves the port, the chapters and the commentary into the companion's docfx site (configured by docfx.json at the root).\n\n" +
            "Exit status: 0 built; 1 errors in the chapters, commentary or port, each as file:line:column: message, and the site left as it was; " +
            "2 bad usage (an unknown option, a missing or empty value, or a folder or file an option names that DocGen cannot use).");
        options.AddTo(root);
        root.SetAction(r => RunBuild(options.Read(r)));

        var build = new Command("build", "build the site (the default command): the DocGen stages, then docfx");
        build.SetAction(r => RunBuild(options.Read(r)));
        root.Subcommands.Add(build);

        var runs = new Option<int>("--runs") { Description = "how many times to run the stages", DefaultValueFactory = _ => 5 };
        runs.Validators.Add(r =>
        {
            // A value that is not a number is reported by the parser itself.
            if (r.Tokens.Count > 0 && int.TryParse(r.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n < 1)
                r.AddError("--runs must be at least 1");
        });
        var bench = new Command("bench", "time DocGen's own stages (load, index, graph, weave, reference, render) over several runs, without docfx");
        bench.Options.Add(runs);
        bench.SetAction(r => Bench(options.Read(r), r.GetValue(runs)));
        root.Subcommands.Add(bench);
        return root;
    }

    private static int RunBuild(BuildOptions o)
    {
        try
        {
            double total = 0;
            Build.Run(o, (stage, s) =>
            {
                total += s;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"docgen: {stage,-7} {s,7:0.00} s"));
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"docgen: total   {total,7:0.00} s{(o.NoDocfx ? " (docfx skipped)" : $" -> {o.Site}/")}"));
            return 0;
        }
        catch (DocGenException e)
        {
            foreach (var error in e.Errors)
                Console.Error.WriteLine(error);
            Console.Error.WriteLine($"docgen: {e.Errors.Count} error(s); the site was not changed");
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"docgen: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder DocGen cannot read or write: the message names it.
            Console.Error.WriteLine($"docgen: {e.Message}");
            return 1;
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int Bench(BuildOptions o, int runs)
    {
        try
        {
            return BenchRuns(o, runs);
        }
        catch (DocGenException e)
        {
            foreach (var error in e.Errors)
                Console.Error.WriteLine(error);
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"docgen: {e.Message}");
            return 2;
        }
    }

    private static int BenchRuns(BuildOptions o, int runs)
    {
        var all = new List<IReadOnlyList<(string Stage, double Seconds)>>();
        for (int r = 0; r < runs; r++)
        {
            var result = Build.Generate(o);
            all.Add(result.Timings);
            var wall = result.Timings.Where(t => !t.Stage.Contains(':', StringComparison.Ordinal)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {r + 1}: {string.Join("  ", wall.Select(t => $"{t.Stage} {t.Seconds:0.00}"))}  total {wall.Sum(t => t.Seconds):0.00} s"));
        }
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("stage    first   median (s, wall)   (cpu = processor time of DocGen, all threads; weave:figures = time inside the port's figure methods)   target: DocGen stages < 10 s");
        foreach (string stage in all[0].Select(t => t.Stage))
        {
            var xs = all.Select(run => run.First(t => t.Stage == stage).Seconds).ToList();
            var sorted = xs.Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stage,-8} {xs[0],6:0.00} {sorted[sorted.Count / 2],8:0.00}"));
        }
        var totals = all.Select(run => run.Where(t => !t.Stage.Contains(':', StringComparison.Ordinal)).Sum(t => t.Seconds)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"total",-8} {totals[0],6:0.00} {totals.Order().ElementAt(totals.Count / 2),8:0.00}"));
        return 0;
    }
}
