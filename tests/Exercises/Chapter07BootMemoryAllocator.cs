using LinuxVm.Mm;
using LinuxVm.Mm.Tests.Machines;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 7, the boot memory allocator. The machines here stop after setup_memory: the bitmap
/// describes low memory, RAM below 639 KiB and above 1 MiB is free, and pages 0, 1 and the kernel
/// image (1 MiB to 3 MiB) plus the bitmap after it are reserved.
/// </summary>
public class Chapter07BootMemoryAllocator
{
    /// <summary>
    /// Q: How many pages does the bootmem bitmap take for 64 MiB, 896 MiB and 4 GiB of low memory?
    /// Reasoning: one bit per page. 64 MiB = 16384 pages = 2048 bytes = 1 page. 896 MiB = 229376
    /// pages = 28672 bytes = 7 pages. (4 GiB is never all low memory on i386, but the formula gives
    /// 1048576 bits = 131072 bytes = 32 pages.)
    /// </summary>
    [Fact, Chapter(7)]
    public void BootmapPages_ForSeveralSizes()
    {
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
        Assert.Equal(1u, k.Bootmem.BootmemBootmapPages(16384));
        Assert.Equal(7u, k.Bootmem.BootmemBootmapPages(229376));
        Assert.Equal(32u, k.Bootmem.BootmemBootmapPages(1048576));
    }

    /// <summary>
    /// Q: What does init_bootmem return on a 64 MiB PC, and what on a 1 GiB PC?
    /// Reasoning: the bitmap's size in bytes, rounded up to a whole long: 16384/8 = 2048 bytes; a
    /// 1 GiB PC only maps 896 MiB, so 229376/8 = 28672 bytes.
    /// </summary>
    [Fact, Chapter(7)]
    public void InitBootmem_ReturnsBitmapBytes()
    {
        Assert.Equal(2048u, FlatPc.SetupMemoryOnly(64).BootmapSize);
        Assert.Equal(28672u, FlatPc.SetupMemoryOnly(1024).BootmapSize);
    }

    /// <summary>
    /// Q: Three alloc_bootmem calls of 100, 100 and 5000 bytes on a fresh 64 MiB PC: where do they go?
    /// Reasoning: the goal is 16 MiB (0xC1000000), all free. The first takes page 4096 whole and
    /// leaves last_pos = 4096, last_offset = 100. The second finds page 4097 free, which follows
    /// last_pos, so it merges: offset rounded up to the 32-byte cache line = 128 -> 0xC1000080,
    /// last_offset = 228. The third also merges at 256 (0xC1000100): 3840 bytes fit in page 4096,
    /// 1160 spill into page 4097, which becomes last_pos with last_offset 1160.
    /// </summary>
    [Fact, Chapter(7)]
    public void ConsecutiveSmallAllocations_ArePackedIntoOnePage()
    {
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
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
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
        k.Bootmem.AllocBootmem(100);
        Assert.Equal(0xC1001000u, k.Bootmem.AllocBootmemPages(4096));
        Assert.Equal(0u, k.Numa.ContigBootmemData.LastOffset);
    }

    /// <summary>
    /// Q: Where does alloc_bootmem_low_pages(4096) land on a fresh PC?
    /// Reasoning: goal 0, so the scan starts at page 0; pages 0 (BIOS) and 1 (SMP trampoline) are
    /// reserved, page 2 is free: 0xC0002000.
    /// </summary>
    [Fact, Chapter(7)]
    public void LowPages_StartAfterTheBiosAndTrampolinePages()
    {
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
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
        Kernel k = FlatPc.SetupMemoryOnly(12).Kernel;
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
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
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
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
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
        Kernel k = FlatPc.SetupMemoryOnly(64).Kernel;
        var e = Assert.Throws<KernelPanicException>(() => k.Bootmem.AllocBootmem(128u << 20));
        Assert.Equal("Out of memory", e.Check);
        Assert.Equal("bootmem alloc of 134217728 bytes failed!", k.KernelLog[^1]);
    }

    /// <summary>
    /// Q: How many pages does free_all_bootmem hand over on a 64 MiB PC?
    /// Reasoning: of 16384 low pages, setup_memory leaves reserved pages 0-1, the ISA hole
    /// (pfn 0x9F-0xFF, 97 pages) and 0x100-0x301: the kernel image, its 2048-byte bitmap at
    /// 0x300 and one page more, because the size passed to reserve_bootmem already adds
    /// PAGE_SIZE-1 and reserve rounds up again (514 pages). That leaves 15771. free_area_init then
    /// takes mem_map at the 16 MiB goal: 193 pages, the last holding 48 bytes. Everything else it
    /// allocates (wait tables of 192 and 768 bytes, nine buddy bitmaps per zone of 516 and 1536
    /// bytes, each start rounded to 32) is packed into that last page by the last_offset merge,
    /// ending at byte 3268. So 15771 - 193 = 15578 pages are free in the bitmap, plus the bitmap's
    /// own page: 15579. (Page 0x301 stays reserved for ever.)
    /// </summary>
    [Fact, Chapter(7)]
    public void FreeAllBootmem_HandsOverFreePagesAndTheBitmap()
    {
        FlatPc pc = FlatPc.Boot(64);
        Assert.Equal(15579u, pc.TotalRamPages);
        Assert.True(PageFlagsReserved(pc.Kernel, 0x301));
        Assert.False(pc.Kernel.Bootmem.IsActive);
    }

    private static bool PageFlagsReserved(Kernel k, int pfn) =>
        LinuxVm.Mm.Include.PageFlags.PageReserved(k.Memory.MemMap[pfn]);
}
