using System.CommandLine;
using System.Globalization;
using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;

namespace LinuxVm.Vm;

/// <summary>The <c>vm</c> command: boots a simulated PC and prints what a Linux user would see.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    /// <param name="args">The arguments.</param>
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The command tree; other tools add their subcommands here.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Linux 2.4.20 VM companion: a simulated PC running the C# port of mm/.");
        root.Subcommands.Add(BootCommand());
        root.Subcommands.Add(ProcCommand());
        return root;
    }

    /// <summary>Options every command that needs a machine shares.</summary>
    public sealed class MachineOptions
    {
        /// <summary>--ram SIZE.</summary>
        public Option<string> Ram { get; } = new("--ram") { Description = "installed RAM, e.g. 64M, 1G, 4G (4M to 4G)", DefaultValueFactory = _ => "64M" };
        /// <summary>--pae.</summary>
        public Option<bool> Pae { get; } = new("--pae") { Description = "a CONFIG_HIGHMEM64G kernel (3-level PAE page tables)" };
        /// <summary>--cpus N.</summary>
        public Option<int> Cpus { get; } = new("--cpus") { Description = "number of CPUs (1-32)", DefaultValueFactory = _ => 1 };
        /// <summary>--no-pse.</summary>
        public Option<bool> NoPse { get; } = new("--no-pse") { Description = "a CPU without 4 MiB pages: the direct map gets page tables" };

        /// <summary>Adds the options to <paramref name="cmd"/>.</summary>
        /// <param name="cmd">The command.</param>
        public void AddTo(Command cmd)
        {
            cmd.Options.Add(Ram);
            cmd.Options.Add(Pae);
            cmd.Options.Add(Cpus);
            cmd.Options.Add(NoPse);
        }

        /// <summary>Boots the machine the options describe.</summary>
        /// <param name="r">The parse result.</param>
        public Machine Boot(ParseResult r) => Machine.Boot(new MachineConfig
        {
            RamBytes = MachineConfig.ParseSize(r.GetValue(Ram)!),
            Pae = r.GetValue(Pae),
            Cpus = r.GetValue(Cpus),
            Pse = !r.GetValue(NoPse),
        });
    }

    private static Command BootCommand()
    {
        var cmd = new Command("boot", "boot a PC and print its memory map, zones, free pages and kernel log");
        var opts = new MachineOptions();
        opts.AddTo(cmd);
        cmd.SetAction(r =>
        {
            try
            {
                Machine m = opts.Boot(r);
                Console.Write(Describe(m));
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"vm boot: {e.Message}");
                return 2;
            }
        });
        return cmd;
    }

    /// <summary>The /proc files <c>vm proc</c> can print, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Machine, string>> ProcFiles = new Dictionary<string, Func<Machine, string>>
    {
        ["buddyinfo"] = m => m.Kernel.ProcMisc.BuddyinfoReadProc(),
        ["meminfo"] = m => m.Kernel.ProcMisc.MeminfoReadProc(),
        ["slabinfo"] = m => m.Kernel.Slab.ReadSlabinfo(),
    };

    private static Command ProcCommand()
    {
        var cmd = new Command("proc", "boot a PC and print /proc files of the fresh machine, in 2.4's layout");
        var files = new Argument<string[]>("file")
        {
            Description = "one or more of: " + string.Join(", ", ProcFiles.Keys),
            Arity = ArgumentArity.OneOrMore,
        };
        cmd.Arguments.Add(files);
        var opts = new MachineOptions();
        opts.AddTo(cmd);
        cmd.SetAction(r =>
        {
            string[] names = r.GetValue(files)!;
            string? unknown = names.FirstOrDefault(n => !ProcFiles.ContainsKey(n));
            if (unknown is not null)
            {
                Console.Error.WriteLine($"vm proc: no /proc/{unknown} here; choose from {string.Join(", ", ProcFiles.Keys)}");
                return 2;
            }
            try
            {
                Machine m = opts.Boot(r);
                foreach (string n in names)
                {
                    if (names.Length > 1)
                        Console.WriteLine($"==> /proc/{n} <==");
                    Console.Write(ProcFiles[n](m));
                }
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"vm proc: {e.Message}");
                return 2;
            }
        });
        return cmd;
    }

    /// <summary>The report <c>vm boot</c> prints.</summary>
    /// <param name="m">A booted machine.</param>
    public static string Describe(Machine m)
    {
        var s = new System.Text.StringBuilder();
        CultureInfo inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"Machine: {m.Config.RamBytes >> 20} MiB RAM, {(m.Config.Pae ? "PAE (3-level)" : "2-level")} page tables, {m.Config.Cpus} CPU(s)");
        s.AppendLine();
        s.AppendLine("Kernel log:");
        foreach (string l in m.Log)
            s.AppendLine("  " + l);
        s.AppendLine();
        s.AppendLine("Zones:");
        s.AppendLine("  zone       start_pfn      size      free    min    low   high");
        foreach (Zone z in m.Kernel.Numa.ContigPageData.NodeZones)
            s.AppendLine(inv, $"  {z.Name,-8} {z.ZoneStartMapnr,11} {z.Size,9} {z.FreePages,9} {z.PagesMin,6} {z.PagesLow,6} {z.PagesHigh,6}");
        s.AppendLine();
        var k = m.Kernel;
        s.AppendLine(inv, $"max_pfn {k.Bootmem.MaxPfn}, max_low_pfn {k.Bootmem.MaxLowPfn}, highstart_pfn {m.Arch.Init.HighstartPfn}, highend_pfn {m.Arch.Init.HighendPfn}");
        s.AppendLine(inv, $"free pages {k.PageAlloc.NrFreePages()} ({k.PageAlloc.NrFreePages() * 4} KiB), totalram_pages {m.Arch.Init.TotalramPages}, totalhigh_pages {m.Arch.Init.TotalhighPages}");
        s.AppendLine(inv, $"high_memory 0x{k.Memory.HighMemory:x8}, VMALLOC_START 0x{m.Arch.VmallocStart:x8}, VMALLOC_END 0x{m.Arch.VmallocEnd:x8}, PKMAP_BASE 0x{m.Arch.PkmapBase:x8}, FIXADDR_START 0x{m.Arch.FixaddrStart:x8}");
        return s.ToString();
    }
}
