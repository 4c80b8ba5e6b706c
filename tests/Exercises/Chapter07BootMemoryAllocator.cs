using LinuxVm.Arch.X86;
using LinuxVm.Mm;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 7, the boot memory allocator. The machines here stop after setup_memory: the bitmap
/// describes low memory, the BIOS's RAM below 0x9F000 and above 1 MiB is free, and pages 0 and 1,
/// the ISA hole, and the kernel image (1 MiB to _end = 0x38B5A4) plus the bitmap after it are
/// reserved.
/// </summary>
public class Chapter07BootMemoryAllocator
{
    // A PC stopped right after setup_memory: bootmem is live and nothing is allocated from it yet.
    private static Kernel AfterSetupMemory(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, StopAfter = BootStage.SetupMemory }).Kernel;

    // A PC whose kernel has not started: head.S has run, start_kernel has not, bootmem is empty.
    private static Kernel BeforeStartKernel(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20, StopAfter = BootStage.Startup32 }).Kernel;

    /// <summary>
    /// Q: How many pages does the bootmem bitmap take for 64 MiB, 896 MiB and 4 GiB of low memory?
    /// Reasoning: one bit per page. 64 MiB = 16384 pages = 2048 bytes = 1 page. 896 MiB = 229376
    /// pages = 28672 bytes = 7 pages. (4 GiB is never all low memory on i386, but the formula gives
    /// 1048576 bits = 131072 bytes = 32 pages.)
    /// </summary>
    [Fact, Chapter(7)]
    public void BootmapPages_ForSeveralSizes()
    {
        Kernel k = AfterSetupMemory(64);
        Assert.Equal(1u, k.Bootmem.BootmemBootmapPages(16384));
        Assert.Equal(7u, k.Bootmem.BootmemBootmapPages(229376));
        Assert.Equal(32u, k.Bootmem.BootmemBootmapPages(1048576));
    }

    /// <summary>
    /// Q: What does init_bootmem return for 64 MiB of low memory (16384 pages), and for 896 MiB?
    /// Reasoning: the bitmap's size in bytes, rounded up to a whole long: 16384/8 = 2048 bytes;
    /// 229376/8 = 28672 bytes. It also records max_low_pfn and min_low_pfn.
    /// </summary>
    [Fact, Chapter(7)]
    public void InitBootmem_ReturnsBitmapBytes()
    {
        var k = BeforeStartKernel(64);
        Assert.Equal(2048u, k.Bootmem.InitBootmem(0x38C, 16384));
        Assert.Equal((0x38Cu, 16384u), (k.Bootmem.MinLowPfn, k.Bootmem.MaxLowPfn));
        var k2 = BeforeStartKernel(896);
        Assert.Equal(28672u, k2.Bootmem.InitBootmem(0x38C, 229376));
    }

    /// <summary>
    /// Q: Three alloc_bootmem calls of 100, 100 and 5000 bytes on a fresh 64 MiB PC: where do they go?
    /// Reasoning: the goal is 16 MiB (0xC1000000), all free. The first takes page 4096 whole and
    /// leaves last_pos = 4096, last_offset = 100. The second finds page 4097 free, which follows
    /// last_pos, so it merges: offset rounded up to SMP_CACHE_BYTES (L1_CACHE_BYTES, 32 for the
    /// port's Pentium III; 16 to 128 on other processors) = 128 -> 0xC1000080,
    /// last_offset = 228. The third also merges at 256 (0xC1000100): 3840 bytes fit in page 4096,
    /// 1160 spill into page 4097, which becomes last_pos with last_offset 1160.
    /// </summary>
    [Fact, Chapter(7)]
    public void ConsecutiveSmallAllocations_ArePackedIntoOnePage()
    {
        Kernel k = AfterSetupMemory(64);
        Assert.Equal(32, k.Arch.L1CacheBytes);
        Assert.Equal(0xC1000000u, k.Bootmem.AllocBootmem(100));
        Assert.Equal(0xC1000080u, k.Bootmem.AllocBootmem(100));
        Assert.Equal(0xC1000100u, k.Bootmem.AllocBootmem(5000));
        Assert.Equal(4097u, k.Numa.ContigBootmemData.LastPos);
        Assert.Equal(1160u, k.Numa.ContigBootmemData.LastOffset);
        Assert.True(k.Bootmem.IsReserved(4097));
        Assert.False(k.Bootmem.IsReserved(4098));
    }

    /// <summary>
    /// Q: After alloc_bootmem(100), where does alloc_bootmem_pages(4096) go?
    /// Reasoning: the page search starts at the goal; page 4096 is taken, 4097 is free and follows
    /// last_pos, so the merge code runs: offset = 100 rounded up to PAGE_SIZE = 4096, nothing is
    /// left in the old page, so the whole request spills into page 4097: 0xC1001000, and
    /// last_offset becomes 0 (the page is full).
    /// </summary>
    [Fact, Chapter(7)]
    public void PageAlignedAllocation_AfterSmallOne_StartsOnTheNextPage()
    {
        Kernel k = AfterSetupMemory(64);
        k.Bootmem.AllocBootmem(100);
        Assert.Equal(0xC1001000u, k.Bootmem.AllocBootmemPages(4096));
        Assert.Equal(0u, k.Numa.ContigBootmemData.LastOffset);
    }

    /// <summary>
    /// Q: Where does alloc_bootmem_low_pages(4096) land on a fresh PC?
    /// Reasoning: goal 0, so the scan starts at page 0; page 0 (BIOS data) and page 1 (which an SMP
    /// kernel keeps for starting the other CPUs) are reserved, page 2 is free: 0xC0002000. That is
    /// where smp_alloc_memory puts the trampoline itself.
    /// </summary>
    [Fact, Chapter(7)]
    public void LowPages_StartAfterPagesZeroAndOne()
    {
        Kernel k = AfterSetupMemory(64);
        Assert.Equal(0xC0002000u, k.Bootmem.AllocBootmemLowPages(4096));
    }

    /// <summary>
    /// Q: On a 12 MiB PC, where does alloc_bootmem(64) go?
    /// Reasoning: the 16 MiB goal lies beyond the node's low memory, so it is ignored and the scan
    /// starts at page 0: the first free page is 2, 0xC0002000.
    /// </summary>
    [Fact, Chapter(7)]
    public void GoalBeyondMemory_IsIgnored()
    {
        Kernel k = AfterSetupMemory(12);
        Assert.Equal(0xC0002000u, k.Bootmem.AllocBootmem(64));
    }

    /// <summary>
    /// Q: reserve_bootmem(0x5800, 0x1000) and free_bootmem(0x5800, 0x1000) on fresh memory: how many
    /// pages does each change?
    /// Reasoning: reserve rounds outwards, so [0x5800, 0x6800) touches pages 5 and 6: 2 pages.
    /// free rounds inwards: the start rounds up to page 6 and the end down to page 6: 0 pages.
    /// </summary>
    [Fact, Chapter(7)]
    public void Reserve_RoundsOut_Free_RoundsIn()
    {
        Kernel k = AfterSetupMemory(64);
        k.Bootmem.ReserveBootmem(0x5800, 0x1000);
        Assert.True(k.Bootmem.IsReserved(5));
        Assert.True(k.Bootmem.IsReserved(6));
        k.Bootmem.FreeBootmem(0x5800, 0x1000);
        Assert.True(k.Bootmem.IsReserved(5));
        Assert.True(k.Bootmem.IsReserved(6));
    }

    /// <summary>
    /// Q: What does the kernel print when a page is reserved twice?
    /// Reasoning: reserve_bootmem_core tests and sets each bit and complains about a bit that was
    /// already set, giving the page's physical address: page 0 -> 00000000.
    /// </summary>
    [Fact, Chapter(7)]
    public void ReservingTwice_IsReported()
    {
        Kernel k = AfterSetupMemory(64);
        k.Bootmem.ReserveBootmem(0, 4096);
        Assert.Equal("hm, page 00000000 reserved twice.", k.KernelLog[^1]);
    }

    /// <summary>
    /// Q: What happens when bootmem cannot satisfy a request (say 128 MiB on a 64 MiB PC)?
    /// Reasoning: every node fails, so __alloc_bootmem prints the failure and panics: there is no
    /// way to continue booting.
    /// </summary>
    [Fact, Chapter(7)]
    public void ImpossibleRequest_Panics()
    {
        Kernel k = AfterSetupMemory(64);
        var e = Assert.Throws<KernelPanicException>(() => k.Bootmem.AllocBootmem(128u << 20));
        Assert.Equal("Out of memory", e.Check);
        Assert.Equal("bootmem alloc of 134217728 bytes failed!", k.KernelLog[^1]);
    }

    /// <summary>
    /// Q: Right after setup_memory on a 64 MiB PC, how many pages does the bitmap show free, and
    /// which is the last reserved page of the kernel-image range?
    /// Reasoning: of 16384 pages, 0 and 1 are reserved, the BIOS map leaves 0x9F-0xFF out of RAM
    /// (97 pages, never freed), and setup_memory reserves from 1 MiB to the end of the bitmap. The
    /// image ends at 0x38B5A4, so the bitmap (2048 bytes) starts at page 0x38C; the size passed to
    /// reserve_bootmem already adds PAGE_SIZE-1, and reserve rounds the end up again, so the range
    /// runs to 0x38D7FF and covers 0x100-0x38D: 654 pages, one more than needed.
    /// 16384 - 2 - 97 - 654 = 15631 pages are free.
    /// </summary>
    [Fact, Chapter(7)]
    public void AfterSetupMemory_15631PagesAreFree_AndPage0x38DIsReserved()
    {
        Kernel k = AfterSetupMemory(64);
        uint free = 0;
        for (uint pfn = 0; pfn < 16384; pfn++)
            if (!k.Bootmem.IsReserved(pfn))
                free++;
        Assert.Equal(15631u, free);
        Assert.True(k.Bootmem.IsReserved(0x38D));
        Assert.False(k.Bootmem.IsReserved(0x38E));
    }

    /// <summary>
    /// Q: After the whole boot, what has become of the bitmap?
    /// Reasoning: free_all_bootmem hands every free page to the buddy allocator, then the bitmap's
    /// own pages (2048 bytes: one page, 0x38C), and clears node_bootmem_map. Page 0x38C is free
    /// (count 0, not reserved); the extra page 0x38D stays reserved for ever.
    /// </summary>
    [Fact, Chapter(7)]
    public void AfterBoot_TheBitmapPageIsFreed_AndBootmemIsGone()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 64 << 20 }).Kernel;
        Assert.False(k.Bootmem.IsActive);
        Assert.False(PageFlagsReserved(k, 0x38C));
        Assert.True(PageFlagsReserved(k, 0x38D));
    }

    private static bool PageFlagsReserved(Kernel k, int pfn) =>
        LinuxVm.Mm.Include.PageFlags.PageReserved(k.Memory.MemMap[pfn]);
}
