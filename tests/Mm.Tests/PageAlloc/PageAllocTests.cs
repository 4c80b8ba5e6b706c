using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.PageAllocTests;

public class PageAllocTests
{
    // A PC booted up to mem_init: every free page has just gone to the buddy allocator, and
    // nothing has taken one since.
    internal static Machine AfterMemInit(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, StopAfter = BootStage.MemInit });

    [Fact]
    public void Boot64MiB_AllFreePagesAccountedAndConsistent()
    {
        var pc = AfterMemInit(64);
        var k = pc.Kernel;
        k.PageAlloc.CheckInvariants();
        Assert.Equal(pc.Arch.Init.TotalramPages, k.PageAlloc.NrFreePages());
        Assert.Equal(0u, k.PageAlloc.NrFreeHighpages());
        Zone dma = k.Numa.ContigPageData.NodeZones[MmZone.ZoneDma];
        Zone normal = k.Numa.ContigPageData.NodeZones[MmZone.ZoneNormal];
        Assert.Equal(4096u, dma.Size);
        Assert.Equal(12288u, normal.Size);
        Assert.Equal((32u, 64u, 96u), (dma.PagesMin, dma.PagesLow, dma.PagesHigh));
        Assert.Equal((96u, 192u, 288u), (normal.PagesMin, normal.PagesLow, normal.PagesHigh));
    }

    [Fact]
    public void AllocAndFree_Order0_RestoresState()
    {
        var k = AfterMemInit(64).Kernel;
        uint before = k.PageAlloc.NrFreePages();
        Page? p = k.PageAlloc.AllocPage(Gfp.Kernel);
        Assert.NotNull(p);
        Assert.Equal(1, p!.Count);
        Assert.Equal(before - 1, k.PageAlloc.NrFreePages());
        k.PageAlloc.CheckInvariants();
        k.PageAlloc.FreePage(p);
        Assert.Equal(before, k.PageAlloc.NrFreePages());
        k.PageAlloc.CheckInvariants();
    }

    [Fact]
    public void OrderTooLarge_ReturnsNull()
    {
        var k = AfterMemInit(64).Kernel;
        Assert.Null(k.PageAlloc.AllocPages(Gfp.Kernel, MmZone.MaxOrder));
        Assert.Equal(0u, k.PageAlloc.GetFreePages(Gfp.Kernel, 11));
    }

    [Fact]
    public void FreeingMappedPage_Panics_AndChangesNothing()
    {
        var k = AfterMemInit(64).Kernel;
        Page p = k.PageAlloc.AllocPage(Gfp.Kernel)!;
        uint free = k.PageAlloc.NrFreePages();
        p.Mapping = new LinuxVm.Mm.Fs.AddressSpace();
        var e = Assert.Throws<KernelPanicException>(() => k.PageAlloc.FreePage(p));
        Assert.Equal("page->mapping", e.Check);
        Assert.Equal(free, k.PageAlloc.NrFreePages());
    }

    [Fact]
    public void HighMemMachine_HasThreeZones()
    {
        var pc = AfterMemInit(1024);
        var k = pc.Kernel;
        k.PageAlloc.CheckInvariants();
        var zones = k.Numa.ContigPageData.NodeZones;
        Assert.Equal(32768u, zones[2].Size);
        Assert.Equal(255u, zones[1].PagesMin);
        Assert.Equal(255u, zones[2].PagesMin);
        Page? hp = k.PageAlloc.AllocPage(Gfp.HighUser);
        Assert.NotNull(hp);
        Assert.Same(zones[2], k.PageAlloc.PageZone(hp!));
        Assert.Equal(0u, hp!.Virtual);
    }
}

public class MachineBootPageAllocTests
{
    [Theory]
    [InlineData(16u, false)]
    [InlineData(64u, false)]
    [InlineData(1024u, false)]
    [InlineData(1024u, true)]
    public void BootedPc_BuddyStateIsConsistent_AndMeminfoMatches(uint megabytes, bool pae)
    {
        var m = Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, Pae = pae });
        var k = m.Kernel;
        k.PageAlloc.CheckInvariants();
        string meminfo = k.ProcMisc.MeminfoReadProc();
        Assert.Contains($"MemFree:      {k.PageAlloc.NrFreePages() * 4,8} kB\n", meminfo);
        Assert.Contains($"HighFree:     {k.PageAlloc.NrFreeHighpages() * 4,8} kB\n", meminfo);
        var held = new List<Page>();
        for (int i = 0; i < 200; i++)
            held.Add(k.PageAlloc.AllocPages(Gfp.HighUser, i % 4)!);
        k.PageAlloc.CheckInvariants();
        for (int i = 0; i < held.Count; i++)
            k.PageAlloc.FreePages(held[i], i % 4);
        k.PageAlloc.CheckInvariants();
    }
}

public class CheckerTests
{
    [Fact]
    public void DoubleFree_IsReportedByTheChecker()
    {
        var k = PageAllocTests.AfterMemInit(64).Kernel;
        Page p = k.PageAlloc.AllocPage(Gfp.Kernel)!;
        k.PageAlloc.FreePage(p);
        k.PageAlloc.FreePage(p);   // the kernel would not notice: count goes to -1
        var e = Assert.Throws<InvariantViolationException>(() => k.PageAlloc.CheckInvariants());
        Assert.Contains("has count -1", e.Message);   // the page sits on a free list with count -1
    }

    [Fact]
    public void CorruptedBitmap_IsReportedByTheChecker()
    {
        var k = PageAllocTests.AfterMemInit(64).Kernel;
        Zone normal = k.Numa.ContigPageData.NodeZones[MmZone.ZoneNormal];
        normal.FreeArea[3].Map!.ChangeBit(100);
        var e = Assert.Throws<InvariantViolationException>(() => k.PageAlloc.CheckInvariants());
        Assert.Contains("order-3 bitmap bit 100", e.Message);
    }

    [Fact]
    public void WrongFreeCount_IsReportedByTheChecker()
    {
        var k = PageAllocTests.AfterMemInit(64).Kernel;
        k.Numa.ContigPageData.NodeZones[MmZone.ZoneDma].FreePages++;
        Assert.Contains("free_pages is", Assert.Throws<InvariantViolationException>(() => k.PageAlloc.CheckInvariants()).Message);
    }
}
