using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LinuxVm.Bench;

// vm-bench: measures the port against the targets of the issues and prints one table.
// Throughput comes from BenchmarkDotNet (in-process, short runs); host memory is measured
// directly, since it is a property of a booted machine rather than of a loop.
//   dotnet run -c Release --project tools/Bench            everything
//   dotnet run -c Release --project tools/Bench -- --quick  fewer iterations, for a smoke run

bool quick = args.Contains("--quick");
Job job = (quick ? Job.Dry : Job.ShortRun)
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithId(quick ? "quick" : "short");
IConfig config = ManualConfig.CreateEmpty()
    .AddJob(job)
    .AddLogger(BenchmarkDotNet.Loggers.NullLogger.Instance)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);

var rows = new List<Row>();
Summary summary = BenchmarkRunner.Run(Catalog.BenchmarkTypes, config).Single();
var reports = summary.Reports.ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name);
foreach ((string method, Target target) in Catalog.Targets)
{
    double? meanNs = reports.GetValueOrDefault(method)?.ResultStatistics?.Mean;
    rows.Add(meanNs is null
        ? new Row(target.Label, "failed", target.Goal, false)
        : target.Row(meanNs.Value));
}
rows.AddRange(HostMemory.Measure());

int labelWidth = rows.Max(r => r.Label.Length);
Console.WriteLine();
Console.WriteLine($"{"measure".PadRight(labelWidth)}  {"value",16}  {"target",-22}  met");
foreach (Row r in rows)
    Console.WriteLine($"{r.Label.PadRight(labelWidth)}  {r.Value,16}  {r.Goal,-22}  {(quick ? "-" : r.Met ? "yes" : "NO")}");
Console.WriteLine();
if (quick)
    Console.WriteLine("--quick runs each benchmark once, before the JIT has optimised it: a smoke test, not a measurement.");
Console.WriteLine($"({Environment.ProcessorCount} host CPUs, .NET {Environment.Version}; the simulation itself is single-threaded)");
return 0;
