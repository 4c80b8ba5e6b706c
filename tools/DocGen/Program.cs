using System.Globalization;
using LinuxVm.DocGen.Diagnostics;
using LinuxVm.DocGen.Pipeline;

namespace LinuxVm.DocGen;

/// <summary>
/// <c>DocGen [build] [options]</c> builds the site; <c>DocGen bench [--runs N]</c> times the DocGen
/// stages (load, index, graph, weave, render) without docfx.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: DocGen [build|bench] [--root DIR] [--src DIR]... [--exercises DIR]... [--figures DLL]
                      [--configuration Release] [--work .docgen] [--site _site] [--no-docfx] [--no-api] [--runs N]
        """;

    /// <summary>Entry point; returns 0 on success, 1 on build errors, 2 on bad usage.</summary>
    public static int Main(string[] args)
    {
        var o = new BuildOptions();
        string command = "build";
        int runs = 5;
        bool srcGiven = false, exGiven = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            try
            {
                switch (a)
                {
                    case "build" or "bench" when i == 0: command = a; break;
                    case "--root": o.Root = Next(); break;
                    case "--src": if (!srcGiven) { o.Sources.Clear(); srcGiven = true; } o.Sources.Add(Next()); break;
                    case "--exercises": if (!exGiven) { o.Exercises.Clear(); exGiven = true; } o.Exercises.Add(Next()); break;
                    case "--figures": o.Figures = Next(); break;
                    case "--configuration" or "-c": o.Configuration = Next(); break;
                    case "--work": o.Work = Next(); break;
                    case "--site": o.Site = Next(); break;
                    case "--no-docfx": o.NoDocfx = true; break;
                    case "--no-api": o.Api = false; break;
                    case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"unknown argument '{a}'");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
        }
        try
        {
            if (command == "bench")
                return Bench(o, runs);
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
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int Bench(BuildOptions o, int runs)
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
