using LinuxVm.Arch.X86;

namespace LinuxVm.Vm.Tests;

/// <summary>
/// The vm command line: every bad input is one line on stderr naming the option, the value and
/// what is allowed, with exit status 2 and no stack trace. Most cases run the parse and
/// validation layer (<see cref="Program.Errors"/>) directly; a few run the whole command in process.
/// </summary>
public class CommandLineTests
{
    private static IReadOnlyList<string> Errors(params string[] args) => Program.Errors(Program.BuildRoot().Parse(args));

    private static (int Code, string Output, string Errors) Run(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = Program.Run(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private const string Ram = "give a size from 4M to 4G in whole 4K pages, such as 64M, 1G, 4096K or a byte count";
    private const string Cpus = "give a whole number from 1 to 32";

    public static TheoryData<string[], string> BadInputs() => new()
    {
        // --ram: too large for 64 bits once multiplied (these printed an OverflowException stack trace)
        { ["boot", "--ram", "17179869184G"], $"vm boot: --ram '17179869184G' is too large; {Ram}" },
        { ["boot", "--ram", "18446744073709551615K"], $"vm boot: --ram '18446744073709551615K' is too large; {Ram}" },
        { ["boot", "--ram", "99999999999999999999999"], $"vm boot: --ram '99999999999999999999999' is too large; {Ram}" },
        // --ram: not a size
        { ["boot", "--ram", "abc"], $"vm boot: --ram 'abc' is not a size; {Ram}" },
        { ["boot", "--ram", ""], $"vm boot: --ram '' is not a size; {Ram}" },
        { ["boot", "--ram", " "], $"vm boot: --ram ' ' is not a size; {Ram}" },
        { ["boot", "--ram", "-1M"], $"vm boot: --ram '-1M' is not a size; {Ram}" },
        { ["boot", "--ram", "B"], $"vm boot: --ram 'B' is not a size; {Ram}" },
        { ["boot", "--ram", "iB"], $"vm boot: --ram 'iB' is not a size; {Ram}" },
        { ["boot", "--ram", "1.5G"], $"vm boot: --ram '1.5G' is not a size; {Ram}" },
        { ["boot", "--ram", "64T"], $"vm boot: --ram '64T' is not a size; {Ram}" },
        // --ram: a size, but not one a machine can have
        { ["boot", "--ram", "3M"], $"vm boot: --ram '3M' is too small; {Ram}" },
        { ["boot", "--ram", "0"], $"vm boot: --ram '0' is too small; {Ram}" },
        { ["boot", "--ram", "5G"], $"vm boot: --ram '5G' is too large; {Ram}" },
        { ["boot", "--ram", "4097K"], $"vm boot: --ram '4097K' is not a whole number of 4K pages; {Ram}" },
        { ["boot", "--ram"], "vm boot: --ram needs a value: installed RAM: a size from 4M to 4G in whole 4K pages, such as 64M, 1G, 4096K or a byte count (default 64M)" },
        { ["boot", "--ram", "64M", "--ram", "1G"], "vm boot: --ram is given 2 times ('64M', '1G'); give it once" },
        // --cpus
        { ["boot", "--cpus", "0"], $"vm boot: --cpus '0' is out of range; {Cpus}" },
        { ["boot", "--cpus", "33"], $"vm boot: --cpus '33' is out of range; {Cpus}" },
        { ["boot", "--cpus", "99999999999"], $"vm boot: --cpus '99999999999' is out of range; {Cpus}" },
        { ["boot", "--cpus", "-3"], $"vm boot: --cpus '-3' is not a whole number; {Cpus}" },
        { ["boot", "--cpus", "x"], $"vm boot: --cpus 'x' is not a whole number; {Cpus}" },
        { ["boot", "--cpus", "1.5"], $"vm boot: --cpus '1.5' is not a whole number; {Cpus}" },
        { ["boot", "--cpus", ""], $"vm boot: --cpus '' is not a whole number; {Cpus}" },
        { ["boot", "--cpus"], "vm boot: --cpus needs a value: number of CPUs: a whole number from 1 to 32" },
        { ["boot", "--cpus", "1", "--cpus", "2"], "vm boot: --cpus is given 2 times ('1', '2'); give it once" },
        // the flags
        { ["boot", "--pae=maybe"], "vm boot: --pae takes no value (or true or false), not 'maybe'" },
        { ["boot", "--no-pse", "2"], "vm boot: --no-pse takes no value (or true or false), not '2'" },
        // commands, options and arguments that do not exist
        { [], "vm: give a command: boot or proc or stress (vm --help says what each does)" },
        { ["bogus"], "vm: unknown command 'bogus'; the commands are boot, proc, stress" },
        { ["boot", "--bogus"], "vm boot: unknown option '--bogus'; vm boot takes --ram, --pae, --cpus, --no-pse" },
        { ["boot", "extra"], "vm boot: unexpected argument 'extra'; vm boot takes --ram, --pae, --cpus, --no-pse" },
        // proc
        { ["proc"], "vm proc: give file: one or more of buddyinfo, meminfo, slabinfo" },
        { ["proc", "nothing"], "vm proc: no /proc file 'nothing' here; give one or more of buddyinfo, meminfo, slabinfo" },
        { ["proc", "", "meminfo"], "vm proc: no /proc file '' here; give one or more of buddyinfo, meminfo, slabinfo" },
        { ["proc", "meminfo", "--ram", "17179869184G"], $"vm proc: --ram '17179869184G' is too large; {Ram}" },
        { ["proc", "meminfo", "--cpus", "x"], $"vm proc: --cpus 'x' is not a whole number; {Cpus}" },
        // stress
        { ["stress", "--seed", "x"], $"vm stress: --seed 'x' is not a whole number; {Seed}" },
        { ["stress", "--seed", "-1"], $"vm stress: --seed '-1' is not a whole number; {Seed}" },
        { ["stress", "--seed", "2147483648"], $"vm stress: --seed '2147483648' is out of range; {Seed}" },
        { ["stress", "--seed"], "vm stress: --seed needs a value: seed of the random choices: a whole number from 0 to 2147483647 (default 1)" },
        { ["stress", "--ops", "0"], $"vm stress: --ops '0' is out of range; {Ops}" },
        { ["stress", "--ops", "1e6"], $"vm stress: --ops '1e6' is not a whole number; {Ops}" },
        { ["stress", "--ops", "99999999999"], $"vm stress: --ops '99999999999' is out of range; {Ops}" },
        { ["stress", "--ops", "1", "--ops", "2"], "vm stress: --ops is given 2 times ('1', '2'); give it once" },
        { ["stress", "--cpus", "33"], $"vm stress: --cpus '33' is out of range; {Cpus}" },
        { ["stress", "--ram", "3M"], $"vm stress: --ram '3M' is too small; {Ram}" },
        { ["stress", "--bogus"], "vm stress: unknown option '--bogus'; vm stress takes --seed, --ops, --ram, --pae, --cpus, --no-pse" },
    };

    private const string Seed = "give a whole number from 0 to 2147483647";
    private const string Ops = "give a whole number from 1 to 2147483647";

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_IsOneLineNamingTheOptionValueAndWhatIsAllowed(string[] args, string expected)
    {
        Assert.Equal([expected], Errors(args));
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_ExitsWithUsageAndPrintsOnlyTheLine(string[] args, string expected)
    {
        var (code, output, errors) = Run(args);
        Assert.Equal(Program.Usage, code);
        Assert.Equal("", output);
        Assert.Equal(expected + Environment.NewLine, errors);
        Assert.DoesNotContain("Exception", errors);
        Assert.DoesNotContain("(Parameter", errors);
    }

    [Fact]
    public void SeveralMistakes_AreEachReported()
    {
        Assert.Equal([$"vm proc: --ram '3M' is too small; {Ram}", $"vm proc: --cpus '0' is out of range; {Cpus}"],
            Errors("proc", "meminfo", "--ram", "3M", "--cpus", "0"));
    }

    [Theory]
    [InlineData("4M", 4UL << 20)]
    [InlineData("4194304", 4UL << 20)]
    [InlineData("4096k", 4UL << 20)]
    [InlineData("1GiB", 1UL << 30)]
    [InlineData(" 64MB ", 64UL << 20)]
    [InlineData("4G", 4UL << 30)]
    public void GoodSizes_Parse(string ram, ulong bytes)
    {
        var root = Program.BuildRoot();
        var r = root.Parse(["boot", "--ram", ram, "--cpus", "32", "--pae", "--no-pse"]);
        Assert.Empty(Program.Errors(r));
        var opts = new Program.MachineOptions();
        var cmd = new System.CommandLine.Command("boot");
        opts.AddTo(cmd);
        var config = opts.Config(cmd.Parse(["--ram", ram, "--cpus", "32", "--pae", "--no-pse"]));
        Assert.Equal(new MachineConfig { RamBytes = bytes, Cpus = 32, Pae = true, Pse = false }, config);
    }

    [Fact]
    public void NoOptions_GiveTheDefaultMachine()
    {
        var opts = new Program.MachineOptions();
        var cmd = new System.CommandLine.Command("boot");
        opts.AddTo(cmd);
        Assert.Equal(new MachineConfig(), opts.Config(cmd.Parse([])));
    }

    [Fact]
    public void GoodCommand_BootsAndExitsZero()
    {
        var (code, output, errors) = Run("proc", "meminfo", "--ram", "4M");
        Assert.Equal((Program.Ok, ""), (code, errors));
        Assert.StartsWith("        total:", output);
    }

    [Fact]
    public void Stress_RunsCleanAndReportsWhatItChecked()
    {
        var (code, output, errors) = Run("stress", "--seed", "3", "--ops", "300", "--cpus", "2", "--ram", "16M");
        Assert.Equal((Program.Ok, ""), (code, errors));
        Assert.StartsWith("stress seed 3: 300 ops on 2 CPU(s), 16 MiB, 2-level page tables: clean", output);
        Assert.Matches(@"\n  \d+ ops/s \(", output);
        Assert.Matches(@"\n  [1-9]\d* invariant checks passed", output);
        Assert.Matches(@"\n  [1-9]\d* bytes verified \([1-9]\d* bytes written\)", output);
    }

    [Fact]
    public void Help_DocumentsTheExitStatus()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(Program.Ok, code);
        Assert.Contains("Exit status: 0 done; 1 the simulated kernel panicked (or vm stress found a broken invariant); 2 bad usage", output);
    }
}
