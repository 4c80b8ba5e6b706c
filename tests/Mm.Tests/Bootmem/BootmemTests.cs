using FsCheck.Xunit;
using LinuxVm.Arch.X86;

namespace LinuxVm.Mm.Tests.BootmemTests;

public class BootmemTests
{
    // A PC stopped right after setup_memory: bootmem holds the low RAM and nothing is allocated.
    private static Kernel AfterSetupMemory(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, StopAfter = BootStage.SetupMemory }).Kernel;

    // A PC booted up to mem_init, which hands bootmem's free pages to the buddy allocator.
    private static Machine AfterMemInit(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, StopAfter = BootStage.MemInit });

    [Property(MaxTest = 50)]
    public bool RandomBootAllocations_NeverOverlap_AndStayOnFreeRam(ushort[] sizes, byte[] kinds)
    {
        Kernel k = AfterSetupMemory(32);
        var taken = new List<(ulong Start, ulong End)>();
        for (int i = 0; i < Math.Min(sizes.Length, 40); i++)
        {
            ulong size = (ulong)sizes[i] + 1;
            int kind = kinds.Length > 0 ? kinds[i % kinds.Length] % 4 : 0;
            uint v = kind switch
            {
                0 => k.Bootmem.AllocBootmem(size),
                1 => k.Bootmem.AllocBootmemLow(size),
                2 => k.Bootmem.AllocBootmemPages(size),
                _ => k.Bootmem.AllocBootmemLowPages(size),
            };
            ulong start = k.Pa(v), end = start + size;
            Assert.Equal(0ul, start % (kind >= 2 ? 4096ul : 32ul));
            foreach (var (s, e) in taken)
                Assert.True(end <= s || start >= e, $"[{start:x},{end:x}) overlaps [{s:x},{e:x})");
            for (ulong p = start >> 12; p <= (end - 1) >> 12; p++)
            {
                Assert.True(k.Bootmem.IsReserved((uint)p));
                Assert.False(p < 2 || (p >= 0x9F && p < 0x302), $"page {p:x} was never free RAM");
            }
            taken.Add((start, end));
            k.Bootmem.CheckInvariants();
        }
        return true;
    }

    [Fact]
    public void FreeingAFreePage_Panics()
    {
        Kernel k = AfterSetupMemory(32);
        var e = Assert.Throws<KernelPanicException>(() => k.Bootmem.FreeBootmem(0x400000, 0x2000));
        Assert.Equal("free_bootmem_core", e.Where);
        Assert.False(k.Bootmem.IsReserved(0x400));
    }

    [Fact]
    public void ZeroSizedReserve_Panics()
    {
        Kernel k = AfterSetupMemory(32);
        Assert.Equal("!size", Assert.Throws<KernelPanicException>(() => k.Bootmem.ReserveBootmem(0x400000, 0)).Check);
    }

    [Fact]
    public void BootmemIsGone_AfterFreeAll_AndMeminfoAddsUp()
    {
        var pc = AfterMemInit(64);
        Assert.False(pc.Kernel.Bootmem.IsActive);
        string meminfo = pc.Kernel.ProcMisc.MeminfoReadProc();
        Assert.Contains($"MemTotal:     {pc.Arch.Init.TotalramPages * 4,8} kB\n", meminfo);
        Assert.Contains($"MemFree:      {pc.Kernel.PageAlloc.NrFreePages() * 4,8} kB\n", meminfo);
        Assert.StartsWith("        total:    used:    free:  shared: buffers:  cached:\nMem:  ", meminfo);
    }

    [Fact]
    public void ShowFreeAreas_PrintsEveryZoneAndTheListsOfTheFirstNode()
    {
        var k = AfterMemInit(64).Kernel;
        string[] lines = k.PageAlloc.ShowFreeAreas().TrimEnd('\n').Split('\n');
        Assert.Equal(8, lines.Length);
        Assert.StartsWith("Free pages:", lines[0]);
        Assert.StartsWith("Zone:DMA freepages:", lines[1]);
        Assert.Equal("= 0kB)", lines[7]);
        Assert.EndsWith($"= {k.Numa.ContigPageData.NodeZones[1].FreePages * 4}kB)", lines[6]);
    }

    [Fact]
    public void SetupMemFrac_ChangesTheRatio()
    {
        var k = Machine.Boot(new MachineConfig { RamBytes = MachineConfig.MinRam, StopAfter = BootStage.Startup32 }).Kernel;
        Assert.Equal(1, k.PageAlloc.SetupMemFrac("32,64"));
        Assert.Equal("setup_mem_frac: 32  64  128  ", k.KernelLog[^1]);
    }
}
