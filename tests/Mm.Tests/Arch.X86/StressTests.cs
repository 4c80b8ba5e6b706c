using LinuxVm.Arch.X86;
using StressRun = LinuxVm.Arch.X86.Stress;

namespace LinuxVm.Mm.Tests.Arch.X86;

/// <summary>
/// Seeded random stress runs (<see cref="StressRun"/>) on one and two CPUs: every run is
/// clean, did the operations asked for, drew every kind of operation, ran the checkers after each
/// and read back bytes; a seed replays the same run.
/// </summary>
public class StressTests
{
    private const int Ops = 10000;

    private static MachineConfig Machine(int cpus) => new() { RamBytes = 16 << 20, Cpus = cpus };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    public void SeededRun_IsClean_AndReportsWhatItChecked(int seed, int cpus)
    {
        StressResult r = StressRun.Run(new StressOptions(seed, Ops, Machine(cpus)));

        Assert.Equal(Ops, r.Ops);
        Assert.Equal(Ops, r.OpCounts.Values.Sum());
        foreach (string kind in new[] { "mmap private", "mmap shared", "munmap", "mprotect", "mremap", "mlock", "munlock", "mlockall", "munlockall", "brk", "fork", "exit", "wait4", "exec", "read PROT_NONE", "kmalloc", "vmalloc", "kfree/vfree", "write" })
            Assert.True(r.OpCounts.GetValueOrDefault(kind) > 0, $"no {kind} in {Ops} ops");
        // Allocator, slab and vmalloc after each op, plus one current/active_mm check per CPU.
        Assert.True(r.InvariantChecks >= (long)Ops * (3 + cpus), $"{r.InvariantChecks} checks");
        Assert.True(r.BytesWritten > 0);
        Assert.True(r.BytesVerified > r.BytesWritten, $"{r.BytesVerified} bytes verified, {r.BytesWritten} written");
    }

    [Fact]
    public void SameSeed_SameRun()
    {
        StressResult a = StressRun.Run(new StressOptions(7, 1000, Machine(2)));
        StressResult b = StressRun.Run(new StressOptions(7, 1000, Machine(2)));
        Assert.Equal(a.OpCounts, b.OpCounts);
        Assert.Equal(a.InvariantChecks, b.InvariantChecks);
        Assert.Equal(a.BytesVerified, b.BytesVerified);
        Assert.Equal(a.BytesWritten, b.BytesWritten);
    }
}
