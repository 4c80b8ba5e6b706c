using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Exercises;

/// <summary>Chapter 5, describing physical memory: nodes, zones, pages, watermarks.</summary>
public class Chapter05DescribingPhysicalMemory
{
    // A PC with this much RAM, fully booted.
    private static Kernel Booted(uint megabytes) => Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20 }).Kernel;

    private static Zone[] Zones(Kernel k) => k.Numa.ContigPageData.NodeZones;

    private static (uint Min, uint Low, uint High) Marks(Zone z) => (z.PagesMin, z.PagesLow, z.PagesHigh);

    /// <summary>
    /// Q: How are the 16384 pages of a 64 MiB PC split into zones?
    /// Reasoning: ZONE_DMA is everything below 16 MiB (4096 pages); the rest is below 896 MiB, so
    /// ZONE_NORMAL gets 16384 - 4096 = 12288 pages and ZONE_HIGHMEM none.
    /// </summary>
    [Fact, Chapter(5)]
    public void ZoneSizes_Of64MiB()
    {
        Kernel k = Booted(64);
        Assert.Equal([4096u, 12288u, 0u], Zones(k).Select(z => z.Size));
        Assert.Equal(2, k.Numa.ContigPageData.NrZones);
    }

    /// <summary>
    /// Q: What are the watermarks of a 64 MiB PC?
    /// Reasoning: pages_min = size / 128, clamped to [20, 255]; low = 2 min, high = 3 min.
    /// DMA: 4096/128 = 32 -> 32/64/96. Normal: 12288/128 = 96 -> 96/192/288.
    /// </summary>
    [Fact, Chapter(5)]
    public void Watermarks_Of64MiB()
    {
        Kernel k = Booted(64);
        Assert.Equal((32u, 64u, 96u), Marks(Zones(k)[0]));
        Assert.Equal((96u, 192u, 288u), Marks(Zones(k)[1]));
    }

    /// <summary>
    /// Q: And of a 1 GiB PC?
    /// Reasoning: DMA as before, 32/64/96. Normal is 896 - 16 = 880 MiB = 225280 pages: /128 = 1760,
    /// clamped to 255 -> 255/510/765. HighMem is 128 MiB = 32768 pages: /128 = 256, clamped to
    /// 255 -> 255/510/765.
    /// </summary>
    [Fact, Chapter(5)]
    public void Watermarks_Of1GiB_AreClampedAt255()
    {
        Kernel k = Booted(1024);
        Assert.Equal([4096u, 225280u, 32768u], Zones(k).Select(z => z.Size));
        Assert.Equal((32u, 64u, 96u), Marks(Zones(k)[0]));
        Assert.Equal((255u, 510u, 765u), Marks(Zones(k)[1]));
        Assert.Equal((255u, 510u, 765u), Marks(Zones(k)[2]));
    }

    /// <summary>
    /// Q: A 20 MiB PC: what is pages_min of its Normal zone?
    /// Reasoning: Normal holds 4 MiB = 1024 pages; 1024/128 = 8 is below zone_balance_min, so it
    /// is raised to 20: 20/40/60.
    /// </summary>
    [Fact, Chapter(5)]
    public void SmallZone_IsRaisedToTheMinimumOf20()
    {
        Kernel k = Booted(20);
        Assert.Equal((20u, 40u, 60u), Marks(Zones(k)[1]));
    }

    /// <summary>
    /// Q: Which zone number is stored in the top byte of page->flags for pfn 5000 on a 64 MiB PC,
    /// and for pfn 230000 on a 1 GiB PC? What does page_zone return?
    /// Reasoning: pfn 5000 is above 4096 -> ZONE_NORMAL, 1; pfn 230000 is above 229376 (896 MiB)
    /// -> ZONE_HIGHMEM, 2. page_zone indexes zone_table with flags >> 24.
    /// </summary>
    [Fact, Chapter(5)]
    public void ZoneNumber_IsInTheTopByteOfFlags()
    {
        Kernel k64 = Booted(64);
        Page p = k64.Memory.MemMap[5000];
        Assert.Equal(1u, p.Flags >> 24);
        Assert.Same(Zones(k64)[1], k64.PageAlloc.PageZone(p));
        Kernel k1g = Booted(1024);
        Assert.Equal(2u, k1g.Memory.MemMap[230000].Flags >> 24);
    }

    /// <summary>
    /// Q: Which zones may GFP_KERNEL, GFP_HIGHUSER and GFP_DMA use on a 1 GiB PC, in order? And
    /// GFP_HIGHUSER on a 64 MiB PC?
    /// Reasoning: build_zonelists falls through from the highest allowed zone downwards, skipping
    /// empty zones: HIGHUSER -> HighMem, Normal, DMA; KERNEL -> Normal, DMA; DMA -> DMA. On 64 MiB
    /// HighMem is empty, so HIGHUSER gets Normal, DMA.
    /// </summary>
    [Fact, Chapter(5)]
    public void Zonelists_FallBackDownwards()
    {
        static string[] Names(Kernel k, uint gfp) =>
            [.. k.Numa.ContigPageData.NodeZonelists[gfp & MmZone.GfpZoneMask].Zones.TakeWhile(z => z is not null).Select(z => z!.Name)];
        Kernel k = Booted(1024);
        Assert.Equal(["HighMem", "Normal", "DMA"], Names(k, Gfp.HighUser));
        Assert.Equal(["Normal", "DMA"], Names(k, Gfp.Kernel));
        Assert.Equal(["DMA"], Names(k, Gfp.GfpDma));
        Assert.Equal(["Normal", "DMA"], Names(Booted(64), Gfp.HighUser));
    }

    /// <summary>
    /// Q: How big are the wait tables of the zones of a 1 GiB PC, and their shifts?
    /// Reasoning: one queue per 256 pages rounded up to a power of two, at most 4096; the shift is
    /// 32 - log2(size). DMA 4096/256 = 16 (shift 28); Normal 225280/256 = 880 -> 1024 (shift 22);
    /// HighMem 32768/256 = 128 (shift 25).
    /// </summary>
    [Fact, Chapter(5)]
    public void WaitTables_Of1GiB()
    {
        Kernel k = Booted(1024);
        Assert.Equal([16u, 1024u, 128u], Zones(k).Select(z => z.WaitTableSize));
        Assert.Equal([28, 22, 25], Zones(k).Select(z => z.WaitTableShift));
    }

    /// <summary>
    /// Q: What is page->virtual for pfn 1000 and for a HighMem page on a 1 GiB PC?
    /// Reasoning: free_area_init_core sets it to __va(pfn * 4096) for pages outside ZONE_HIGHMEM:
    /// 0xC0000000 + 0x3E8000 = 0xC03E8000. A high page gets an address only while kmap has it in
    /// a permanent kmap slot; right after boot none has: 0.
    /// </summary>
    [Fact, Chapter(5)]
    public void PageVirtual_IsSetForLowPagesOnly()
    {
        Kernel k = Booted(1024);
        Assert.Equal(0xC03E8000u, k.Memory.MemMap[1000].Virtual);
        Assert.Equal(0u, k.Memory.MemMap[240000].Virtual);
    }

    /// <summary>
    /// Q: How many bytes of bootmem does mem_map take on a 64 MiB PC, and how many pages?
    /// Reasoning: (16384 + 1) * sizeof(struct page) = 16385 * 48 = 786480 bytes: 192 pages and a bit,
    /// so 193 pages. The block starts at the 16 MiB goal, but MAP_ALIGN rounds its offset from
    /// PAGE_OFFSET up to a multiple of 48: 16 MiB = 349525 * 48 + 16, so it moves up by 32 bytes
    /// to 0xC1000020. That is what the spare entry is for.
    /// </summary>
    [Fact, Chapter(5)]
    public void MemMap_Of64MiB_Takes786480Bytes()
    {
        Assert.Equal(786480u, (16384u + 1) * (uint)Page.SizeOf);
        Assert.Equal(193u, (786480u + 4095) / 4096);
        Kernel k = Booted(64);
        Assert.Equal(0xC1000020u, k.PageAlloc.MemMapVirtual);
    }

    /// <summary>
    /// Q: What does nr_free_buffer_pages report on a 64 MiB PC?
    /// Reasoning: the sum over the GFP_USER zonelist (Normal, DMA) of size - pages_high:
    /// (12288 - 288) + (4096 - 96) = 16000. It is a size, not a count of free pages.
    /// </summary>
    [Fact, Chapter(5)]
    public void NrFreeBufferPages_Of64MiB()
    {
        Kernel k = Booted(64);
        Assert.Equal(16000u, k.PageAlloc.NrFreeBufferPages());
    }

    /// <summary>
    /// Q: In what order does free_area_init_core take bootmem on a 64 MiB PC, and where does each
    /// piece land?
    /// Reasoning: mem_map first (16385 × 48 bytes from the 16 MiB goal, ending 0x30 bytes into
    /// page 0x10C0). Then, zone by zone inside the one loop, the zone's wait table and straight
    /// after it the zone's bitmaps, each piece aligned to SMP_CACHE_BYTES (32) and packed into the
    /// page the previous one ended in. DMA: 16 queues × 12 bytes at offset 0x40; bitmaps of
    /// 256, 128, 64, 32, 16, 8, 4, 4 and 4 bytes from 0x100 to 0x364. Normal: 64 queues × 12 =
    /// 768 bytes at 0x380, and its order-0 bitmap (768 bytes) at 0x680. The bitmaps are not all
    /// allocated after the loop: the Normal wait table sits between the two zones' bitmaps.
    /// </summary>
    [Fact, Chapter(5)]
    public void FreeAreaInitCore_TakesEachZonesWaitTableThenItsBitmaps()
    {
        Kernel k = Booted(64);
        Zone dma = Zones(k)[0], normal = Zones(k)[1];
        uint[] dmaMaps = Enumerable.Range(0, 9).Select(i => dma.FreeArea[i].Map!.VirtualAddress).ToArray();
        Assert.Equal([0xC10C0100u, 0xC10C0200, 0xC10C0280, 0xC10C02C0, 0xC10C02E0, 0xC10C0300, 0xC10C0320, 0xC10C0340, 0xC10C0360], dmaMaps);
        Assert.Equal(0xC10C0680u, normal.FreeArea[0].Map!.VirtualAddress);
        Assert.Null(dma.FreeArea[9].Map);
    }
}
