using FsCheck.Xunit;
using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.PageAllocTests;

/// <summary>Random alloc/free sequences of mixed orders and zones, checked after every step.</summary>
public class BuddyPropertyTests
{
    // A 16 MiB toy PC with all three zones, 4 MiB DMA, 8 MiB Normal, 4 MiB HighMem, booted up
    // to mem_init.
    private static Machine SmallPc() => Machine.Boot(new MachineConfig
    {
        RamBytes = 16 << 20,
        Zones = new ZoneSizes(Dma: 1024, Normal: 2048, HighMem: 1024),
        StopAfter = BootStage.MemInit,
    });

    private static readonly int[] Orders = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 9];
    private static readonly uint[] Masks = [Gfp.GfpDma | Gfp.Kernel, Gfp.Kernel, Gfp.HighUser, Gfp.Atomic];

    [Property(MaxTest = 60)]
    public bool RandomAllocFree_KeepsInvariants_AndFreeingAllRestoresBootLists(int[] ops)
    {
        var pc = SmallPc();
        PageAlloc pa = pc.Kernel.PageAlloc;
        pa.CheckInvariants();
        uint[][][] boot = pa.FreeBlockSnapshot();
        uint bootFree = pa.NrFreePages();
        var held = new List<(Page Page, int Order)>();
        var owner = new int[pc.Kernel.Memory.MemMap.Length];   // 0 = not handed out

        foreach (int x in ops)
        {
            bool free = (x & 1) != 0 && held.Count > 0;
            if (free)
            {
                int i = (int)((uint)x >> 8) % held.Count;
                var (page, order) = held[i];
                held.RemoveAt(i);
                for (int p = page.MapNr; p < page.MapNr + (1 << order); p++)
                    owner[p] = 0;
                pa.FreePages(page, order);
            }
            else
            {
                int order = Orders[(x >> 1) & 15];
                uint mask = Masks[(x >> 5) & 3];
                Page? page = pa.AllocPages(mask, order);
                if (page is not null)
                {
                    Assert.Equal(0, page.MapNr & ((1 << order) - 1));   // zones start 512-aligned here
                    Zone zone = pa.PageZone(page);
                    if ((mask & Gfp.Dma) != 0) Assert.Equal(MmZone.ZoneDma, zone.Index);
                    if ((mask & Gfp.HighMem) == 0) Assert.NotEqual(MmZone.ZoneHighMem, zone.Index);
                    for (int p = page.MapNr; p < page.MapNr + (1 << order); p++)
                    {
                        Assert.True(owner[p] == 0, $"page {p} handed out twice");
                        owner[p] = 1;
                    }
                    held.Add((page, order));
                }
            }
            pa.CheckInvariants();
        }

        foreach (var (page, order) in held)
        {
            pa.FreePages(page, order);
            pa.CheckInvariants();
        }
        Assert.Equal(bootFree, pa.NrFreePages());
        uint[][][] after = pa.FreeBlockSnapshot();
        for (int z = 0; z < boot.Length; z++)
            for (int o = 0; o < boot[z].Length; o++)
                Assert.Equal(boot[z][o], after[z][o]);
        return true;
    }

    [Property(MaxTest = 30)]
    public bool Exhausting_ThenFreeingInAnyOrder_RestoresBootLists(int seed)
    {
        var pc = SmallPc();
        PageAlloc pa = pc.Kernel.PageAlloc;
        uint[][][] boot = pa.FreeBlockSnapshot();
        var pages = new List<Page>();
        // GFP_HIGHUSER with a task in PF_MEMALLOC would empty every zone; without one the
        // allocator stops at the watermarks. Atomic order-0 allocations go down to min/4.
        Page? p;
        while ((p = pa.AllocPage(Gfp.HighUser)) is not null)
            pages.Add(p);
        pa.CheckInvariants();
        var rng = new Random(seed);
        foreach (Page page in pages.OrderBy(_ => rng.Next()))
            pa.FreePage(page);
        pa.CheckInvariants();
        uint[][][] after = pa.FreeBlockSnapshot();
        for (int z = 0; z < boot.Length; z++)
            for (int o = 0; o < boot[z].Length; o++)
                Assert.Equal(boot[z][o], after[z][o]);
        return true;
    }
}
