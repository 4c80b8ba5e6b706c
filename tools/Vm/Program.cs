using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Vm;

/// <summary>
/// The <c>vm</c> command: boots a simulated PC and prints what a Linux user would see.
/// Exit status: <see cref="Ok"/>, <see cref="Failed"/> when the simulated kernel panics, and
/// <see cref="Usage"/> for any bad command line, reported as one line per mistake on stderr.
/// </summary>
public static class Program
{
    /// <summary>Exit status: the command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Exit status: the command line was good but the simulated machine failed (a kernel panic, or a broken invariant that <c>vm stress</c> found).</summary>
    public const int Failed = 1;

    /// <summary>Exit status: bad usage (unknown command or option, missing or bad value), as DocGen uses it.</summary>
    public const int Usage = 2;

    private const string ExitStatus =
        "Exit status: 0 done; 1 the simulated kernel panicked (or vm stress found a broken invariant); 2 bad usage (an unknown command or option, or a missing or " +
        "bad value), each mistake named on one line of stderr with the value and what is allowed.";

    /// <summary>What <c>--ram</c> accepts, as the help and the error messages say it.</summary>
    public const string RamAllowed = "a size from 4M to 4G in whole 4K pages, such as 64M, 1G, 4096K or a byte count";

    /// <summary>What <c>--cpus</c> accepts.</summary>
    public static readonly string CpusAllowed = $"a whole number from 1 to {I386.NrCpus}";

    /// <summary>Parses the command line and runs the chosen command.</summary>
    /// <param name="args">The arguments.</param>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs <c>vm</c> with <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>; returns the exit status.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ParseResult parsed = BuildRoot().Parse(args);
        var errors = Errors(parsed);
        if (errors.Count > 0)
        {
            foreach (string e in errors)
                error.WriteLine(e);
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (KernelPanicException e)
        {
            error.WriteLine($"{CommandPath(parsed.CommandResult)}: the simulated kernel panicked: {e.Message}");
            return Failed;
        }
    }

    /// <summary>
    /// The parse and validation layer: every mistake in the command line as one line
    /// (<c>vm boot: --ram '3M' is too small; give ...</c>); empty when the command line is good.
    /// </summary>
    /// <param name="r">A parse of the command line.</param>
    public static IReadOnlyList<string> Errors(ParseResult r)
    {
        var lines = new List<string>();
        void Add(string where, string message)
        {
            string line = $"{where}: {OneLine(message)}";
            if (!lines.Contains(line))
                lines.Add(line);
        }
        string command = CommandPath(r.CommandResult);
        Command cmd = r.CommandResult.Command;

        // Words the parser matched to nothing: an unknown command or option, or a value after a flag.
        var unmatched = r.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < r.Tokens.Count; i++)
        {
            string t = r.Tokens[i].Value;
            if (!unmatched.Remove(t))
                continue;
            string options = string.Join(", ", cmd.Options.Where(o => !o.Hidden).Select(o => o.Name));
            if (i > 0 && cmd.Options.FirstOrDefault(o => o.Name == r.Tokens[i - 1].Value) is Option<bool> flag)
                Add(command, $"{flag.Name} takes no value (or true or false), not '{t}'");
            else if (cmd is RootCommand && !t.StartsWith('-'))
                Add(command, $"unknown command '{t}'; the commands are {string.Join(", ", cmd.Subcommands.Select(c => c.Name))}");
            else if (t.StartsWith('-'))
                Add(command, $"unknown option '{t}'; {command} takes {options}");
            else
                Add(command, $"unexpected argument '{t}'; {command} takes {(cmd.Arguments.Count == 0 ? "" : string.Join(", ", cmd.Arguments.Select(a => a.Name)) + " and ")}{options}");
        }
        foreach (ParseError e in r.Errors)
        {
            if (r.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                continue;
            string where = CommandPath(e.SymbolResult is null ? r.CommandResult : CommandOf(e.SymbolResult));
            string? message = e.SymbolResult switch
            {
                // The parser's own messages for a missing or repeated value name no allowed values.
                OptionResult { Tokens.Count: 0 } o => $"{o.Option.Name} needs a value: {o.Option.Description}",
                ArgumentResult { Parent: OptionResult { Tokens.Count: 0 } o } => $"{o.Option.Name} needs a value: {o.Option.Description}",
                OptionResult { Tokens.Count: > 1 } o => Repeated(o),
                ArgumentResult { Parent: OptionResult { Tokens.Count: > 1 } o } => Repeated(o),
                ArgumentResult { Tokens.Count: 0 } a => $"give {a.Argument.Name}: {a.Argument.Description}",
                CommandResult { Command: RootCommand } c when r.CommandResult == c =>
                    r.UnmatchedTokens.Count > 0 ? null : $"give a command: {string.Join(" or ", c.Command.Subcommands.Select(s => s.Name))} (vm --help says what each does)",
                CommandResult c when c.Command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0) is { } a && !c.Children.OfType<ArgumentResult>().Any(x => x.Argument == a && x.Tokens.Count > 0) =>
                    $"give {a.Name}: {a.Description}",
                _ => e.Message,
            };
            if (message is not null)
                Add(where, message);
        }
        return lines;
    }

    private static string Repeated(OptionResult o) =>
        $"{o.Option.Name} is given {o.Tokens.Count} times ({string.Join(", ", o.Tokens.Select(t => $"'{t.Value}'"))}); give it once";

    private static CommandResult CommandOf(SymbolResult s)
    {
        while (s is not CommandResult && s.Parent is not null)
            s = s.Parent;
        return (CommandResult)s;
    }

    private static string CommandPath(CommandResult c)
    {
        var names = new List<string>();
        for (SymbolResult? s = c; s is not null; s = s.Parent)
            if (s is CommandResult cr && cr.Command is not RootCommand)
                names.Insert(0, cr.Command.Name);
        names.Insert(0, "vm");
        return string.Join(' ', names);
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    /// <summary>The command tree; other tools add their subcommands here.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Linux 2.4.20 VM companion: a simulated PC running the C# port of mm/.\n\n" + ExitStatus);
        root.Subcommands.Add(BootCommand());
        root.Subcommands.Add(ProcCommand());
        root.Subcommands.Add(StressCommand());
        return root;
    }

    /// <summary>Options every command that needs a machine shares.</summary>
    public sealed class MachineOptions
    {
        /// <summary>--ram SIZE, in bytes once parsed.</summary>
        public Option<ulong> Ram { get; } = new("--ram")
        {
            Description = "installed RAM: " + RamAllowed + " (default 64M)",
            HelpName = "size",
            CustomParser = ParseRam,
        };

        /// <summary>--pae.</summary>
        public Option<bool> Pae { get; } = new("--pae") { Description = "a CONFIG_HIGHMEM64G kernel (3-level PAE page tables)" };

        /// <summary>--cpus N.</summary>
        public Option<int> Cpus { get; } = new("--cpus")
        {
            Description = "number of CPUs: " + CpusAllowed,
            HelpName = "n",
            DefaultValueFactory = _ => 1,
            CustomParser = ParseCpus,
        };

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

        /// <summary>The machine the options describe (already validated by the parse).</summary>
        /// <param name="r">The parse result.</param>
        public MachineConfig Config(ParseResult r) => new()
        {
            // Not given: MachineConfig's default (64 MiB), which the help states in words.
            RamBytes = r.GetResult(Ram) is { Implicit: false } ? r.GetValue(Ram) : new MachineConfig().RamBytes,
            Pae = r.GetValue(Pae),
            Cpus = r.GetValue(Cpus),
            Pse = !r.GetValue(NoPse),
        };

        /// <summary>Boots the machine the options describe.</summary>
        /// <param name="r">The parse result.</param>
        public Machine Boot(ParseResult r) => Machine.Boot(Config(r));
    }

    // The parser reports a repeated option itself (see Errors); a custom parser sees the last value.
    private static string? Single(ArgumentResult r) => r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;

    private static ulong ParseRam(ArgumentResult r)
    {
        if (Single(r) is not string text)
            return 0;
        if (!MachineConfig.TryParseSize(text, out ulong bytes, out string? why))
            r.AddError($"--ram {why}; give {RamAllowed}");
        else if (bytes < MachineConfig.MinRam)
            r.AddError($"--ram '{text}' is too small; give {RamAllowed}");
        else if (bytes > MachineConfig.MaxRam)
            r.AddError($"--ram '{text}' is too large; give {RamAllowed}");
        else if (bytes % 4096 != 0)
            r.AddError($"--ram '{text}' is not a whole number of 4K pages; give {RamAllowed}");
        return bytes;
    }

    private static int ParseCpus(ArgumentResult r)
    {
        if (Single(r) is not string text)
            return 0;
        string t = text.Trim();
        if (t.Length == 0 || !t.All(char.IsAsciiDigit))
            r.AddError($"--cpus '{text}' is not a whole number; give {CpusAllowed}");
        else if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > I386.NrCpus)
            r.AddError($"--cpus '{text}' is out of range; give {CpusAllowed}");
        else
            return n;
        return 0;
    }

    /// <summary>What <c>--seed</c> accepts.</summary>
    public const string SeedAllowed = "a whole number from 0 to 2147483647";

    /// <summary>What <c>--ops</c> accepts.</summary>
    public const string OpsAllowed = "a whole number from 1 to 2147483647";

    private static int ParseWhole(ArgumentResult r, string name, int min, string allowed)
    {
        if (Single(r) is not string text)
            return 0;
        string t = text.Trim();
        if (t.Length == 0 || !t.All(char.IsAsciiDigit))
            r.AddError($"{name} '{text}' is not a whole number; give {allowed}");
        else if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min)
            r.AddError($"{name} '{text}' is out of range; give {allowed}");
        else
            return n;
        return 0;
    }

    private static Command StressCommand()
    {
        var cmd = new Command("stress",
            "boot a PC and run a seeded random mix of fork, exit, exec, mmap, munmap, mprotect, mremap, mlock, brk, " +
            "user reads and writes, kmalloc and vmalloc over its CPUs, checking every invariant and reading back every byte " +
            "after each operation; prints ops/s, checks made and bytes verified");
        var seed = new Option<int>("--seed")
        {
            Description = "seed of the random choices: " + SeedAllowed + " (default 1)",
            HelpName = "n",
            DefaultValueFactory = _ => 1,
            CustomParser = r => ParseWhole(r, "--seed", 0, SeedAllowed),
        };
        var ops = new Option<int>("--ops")
        {
            Description = "operations to run: " + OpsAllowed + " (default 10000)",
            HelpName = "n",
            DefaultValueFactory = _ => 10000,
            CustomParser = r => ParseWhole(r, "--ops", 1, OpsAllowed),
        };
        cmd.Options.Add(seed);
        cmd.Options.Add(ops);
        var opts = new MachineOptions();
        opts.AddTo(cmd);
        cmd.SetAction(r =>
        {
            TextWriter o = r.InvocationConfiguration.Output;
            MachineConfig config = opts.Config(r);
            StressResult result;
            try
            {
                result = Stress.Run(new StressOptions(r.GetValue(seed), r.GetValue(ops), config));
            }
            catch (StressFailureException e)
            {
                r.InvocationConfiguration.Error.WriteLine($"vm stress: {OneLine(e.Message)}");
                if (e.InnerException is { } inner)
                    r.InvocationConfiguration.Error.WriteLine(inner.ToString());
                return Failed;
            }
            o.Write(Describe(result, r.GetValue(seed), config));
            return Ok;
        });
        return cmd;
    }

    /// <summary>The report <c>vm stress</c> prints for a clean run.</summary>
    /// <param name="r">The run.</param>
    /// <param name="seed">Its seed.</param>
    /// <param name="config">Its machine.</param>
    public static string Describe(StressResult r, int seed, MachineConfig config)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(config);
        CultureInfo inv = CultureInfo.InvariantCulture;
        var s = new System.Text.StringBuilder();
        double seconds = Math.Max(r.Elapsed.TotalSeconds, 1e-9);
        s.AppendLine(inv, $"stress seed {seed}: {r.Ops} ops on {config.Cpus} CPU(s), {config.RamBytes >> 20} MiB, {(config.Pae ? "PAE" : "2-level")} page tables: clean");
        s.AppendLine(inv, $"  {r.Ops / seconds:F0} ops/s ({r.Elapsed.TotalSeconds:F1} s, boot included)");
        s.AppendLine(inv, $"  {r.InvariantChecks} invariant checks passed");
        s.AppendLine(inv, $"  {r.BytesVerified} bytes verified ({r.BytesWritten} bytes written)");
        s.AppendLine("  ops: " + string.Join(", ", r.OpCounts.Select(e => string.Create(inv, $"{e.Key} {e.Value}"))));
        return s.ToString();
    }

    private static Command BootCommand()
    {
        var cmd = new Command("boot", "boot a PC and print its memory map, zones, free pages and kernel log");
        var opts = new MachineOptions();
        opts.AddTo(cmd);
        cmd.SetAction(r =>
        {
            Machine m = opts.Boot(r);
            r.InvocationConfiguration.Output.Write(Describe(m));
            return Ok;
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
        string allowed = "one or more of " + string.Join(", ", ProcFiles.Keys);
        var files = new Argument<string[]>("file")
        {
            Description = allowed,
            Arity = ArgumentArity.OneOrMore,
        };
        files.Validators.Add(r =>
        {
            foreach (var t in r.Tokens.Where(t => !ProcFiles.ContainsKey(t.Value)))
                r.AddError($"no /proc file '{t.Value}' here; give {allowed}");
        });
        cmd.Arguments.Add(files);
        var opts = new MachineOptions();
        opts.AddTo(cmd);
        cmd.SetAction(r =>
        {
            string[] names = r.GetValue(files)!;
            Machine m = opts.Boot(r);
            TextWriter o = r.InvocationConfiguration.Output;
            foreach (string n in names)
            {
                if (names.Length > 1)
                    o.WriteLine($"==> /proc/{n} <==");
                o.Write(ProcFiles[n](m));
            }
            return Ok;
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
