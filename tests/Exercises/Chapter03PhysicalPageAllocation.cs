using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 3, physical page allocation. Most exercises use the HighMem zone of a 1 GiB PC: it
/// holds pfns 229376 (896 MiB) to 262143, no boot-time allocation ever lands there, and mem_init
/// frees its pages one by one from the top down, so after boot it is exactly 64 free order-9
/// blocks, and the last one completed, the lowest (pfn 229376), is at the head of the list.
/// </summary>
public class Chapter03PhysicalPageAllocation
{
    // A PC with this much RAM, fully booted.
    private static Kernel Booted(uint megabytes) => Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20 }).Kernel;

    private static Kernel Pc1G() => Booted(1024);

    private static Zone HighMem(Kernel k) => k.Numa.ContigPageData.NodeZones[MmZone.ZoneHighMem];

    private static int[] ListLengths(Zone z) =>
        z.FreeArea.Select(a => a.FreeList.Count()).ToArray();

    /// <summary>
    /// Q: On a freshly booted 1 GiB PC, which page does the first order-0 GFP_HIGHUSER allocation
    /// return, and which free lists gain a block?
    /// Reasoning: the zonelist for __GFP_HIGHMEM starts with HighMem, which is far above
    /// pages_low, so rmqueue runs there. Orders 0-8 are empty; the head of order 9 is the block at
    /// pfn 229376. expand keeps splitting it and puts the LOWER half on the list one order down
    /// each time (256 pages at 229376 on order 8, 128 at 229632 on order 7, ... one page at 229886
    /// on order 0), keeping the upper half, so the page handed out is the block's last: 229887.
    /// </summary>
    [Fact, Chapter(3)]
    public void FirstOrder0Allocation_SplitsHeadOrder9Block_AndReturnsItsLastPage()
    {
        Kernel k = Pc1G();
        Page page = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Assert.Equal(229887, page.MapNr);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 63], ListLengths(HighMem(k)));
        Assert.Equal(229376, HighMem(k).FreeArea[8].FreeList.Next.Entry<Page>().MapNr);
        Assert.Equal(229886, HighMem(k).FreeArea[0].FreeList.Next.Entry<Page>().MapNr);
    }

    /// <summary>
    /// Q: Freeing that page again: what order does it end up at?
    /// Reasoning: its buddy (229886) is free, so the order-0 bit of the pair flips from 1 to 0 and
    /// the pair moves up; at every order the buddy is the block expand left behind, so it merges
    /// all the way to order 9, where the loop stops. The zone is back to 64 order-9 blocks.
    /// </summary>
    [Fact, Chapter(3)]
    public void Free_MergesWithBuddy_AllTheWayBackToOrder9()
    {
        Kernel k = Pc1G();
        Page page = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        k.PageAlloc.FreePage(page);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 64], ListLengths(HighMem(k)));
    }

    /// <summary>
    /// Q: Allocate two order-0 HighMem pages, then free only the first. Where does it go?
    /// Reasoning: the first is 229887; the second comes off the order-0 list: 229886, its buddy.
    /// Freeing 229887 flips the pair bit from 0 (both allocated) to 1 and stops: the buddy is
    /// still in use, so 229887 sits alone on the order-0 list. Its index in the zone is 511, so
    /// the order-0 pair bit is 511 >> 1 = 255.
    /// </summary>
    [Fact, Chapter(3)]
    public void Free_DoesNotMerge_WhenBuddyIsAllocated()
    {
        Kernel k = Pc1G();
        Page a = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Page b = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Assert.Equal(229886, b.MapNr);
        k.PageAlloc.FreePage(a);
        Zone hm = HighMem(k);
        Assert.Equal(1, hm.FreeArea[0].FreeList.Count());
        Assert.Equal(229887, hm.FreeArea[0].FreeList.Next.Entry<Page>().MapNr);
        Assert.True(hm.FreeArea[0].Map!.TestBit(255));
    }

    /// <summary>
    /// Q: Allocate four order-0 HighMem pages (229887, 229886, then?), free them in the order
    /// 229887, 229886, 229885, and say what order each free reaches; what does freeing the last
    /// one (229884) coalesce to?
    /// Reasoning: after two allocations the order-0 list is empty and order 1 holds 229884; the
    /// third allocation splits it, leaving 229884 on order 0 and returning 229885; the fourth
    /// takes 229884. Freeing 229887 stops at order 0 (buddy 229886 in use); freeing 229886 merges
    /// to an order-1 block at 229886 whose buddy (229884-5) is in use. Freeing 229885 stops at 0
    /// (buddy 229884 in use). Freeing 229884 merges with 229885, then with 229886-7, then with
    /// the order-2 block at 229880 and so on up every order: it reaches order 9.
    /// </summary>
    [Fact, Chapter(3)]
    public void Free_LastOfFourPages_CoalescesToOrder9()
    {
        Kernel k = Pc1G();
        Page[] p = [.. Enumerable.Range(0, 4).Select(_ => k.PageAlloc.AllocPage(Gfp.HighUser)!)];
        Assert.Equal([229887, 229886, 229885, 229884], p.Select(x => x.MapNr));
        k.PageAlloc.FreePage(p[0]);
        k.PageAlloc.FreePage(p[1]);
        Assert.Equal(229886, HighMem(k).FreeArea[1].FreeList.Next.Entry<Page>().MapNr);
        k.PageAlloc.FreePage(p[2]);
        k.PageAlloc.FreePage(p[3]);
        Assert.Equal(64, HighMem(k).FreeArea[9].FreeList.Count());
        k.PageAlloc.CheckInvariants();
    }

    /// <summary>
    /// Q: On a 64 MiB PC with nothing reclaimable, the port's stopping rule (not 2.4's behaviour)
    /// ends a run of GFP_KERNEL order-0 allocations. How many pages are still free then, and what
    /// would 2.4 do instead?
    /// Reasoning: the zonelist is Normal then DMA. Watermarks (chapter 5): Normal min 96 / low 192,
    /// DMA min 32 / low 64. The first pass takes from Normal while it has more than 1+192 pages,
    /// then from DMA while it has more than 1+192+64. The second pass (GFP_KERNEL may sleep, so the
    /// full pages_min) takes from Normal down to 1+96 = 97 pages and from DMA down to 97+32 = 129.
    /// The failing call then reclaims once (the port's stand-in try_to_free_pages_zone frees nothing),
    /// the third pass has the same thresholds, and since neither reclaim nor the yield freed a page
    /// the port returns NULL: 97 + 129 = 226 pages remain. In 2.4 an order-0 GFP_KERNEL allocation
    /// never fails here: it yields and retries, and reclaim that finds nothing calls
    /// out_of_memory, so in the end the OOM killer makes room.
    /// </summary>
    [Fact, Chapter(3)]
    public void GfpKernel_PortsStoppingRule_LeavesFreePages226_AfterOneRoundOfReclaim()
    {
        Kernel k = Booted(64);
        while (k.PageAlloc.AllocPage(Gfp.Kernel) is not null) { }
        Assert.Equal(226u, k.PageAlloc.NrFreePages());
    }

    /// <summary>
    /// Q: GFP_KERNEL carries __GFP_HIGH, GFP_USER does not, and GFP_ATOMIC is nothing else. On a
    /// 64 MiB PC, where do runs of order-0 allocations with GFP_USER, with GFP_NOIO
    /// (__GFP_HIGH | __GFP_WAIT) and with a mask of 0 stop, compared with GFP_KERNEL's 226 and
    /// GFP_ATOMIC's 58 free pages?
    /// Reasoning: 2.4.20's __alloc_pages never reads __GFP_HIGH. The second pass uses a quarter
    /// of pages_min only when __GFP_WAIT is clear, and only then does the slow path give up at
    /// once. So GFP_USER and GFP_NOIO stop where GFP_KERNEL does (226, the port's stopping rule
    /// after one round of reclaim), and a mask of 0 digs as deep as GFP_ATOMIC (58).
    /// </summary>
    [Fact, Chapter(3)]
    public void GfpHigh_IsNotRead_WaitDecidesHowDeepAnAllocationDigs()
    {
        uint Remaining(uint gfp)
        {
            Kernel k = Booted(64);
            while (k.PageAlloc.AllocPage(gfp) is not null) { }
            return k.PageAlloc.NrFreePages();
        }
        Assert.Equal(0u, Gfp.User & Gfp.High);
        Assert.NotEqual(0u, Gfp.NoIo & Gfp.High);
        Assert.Equal(226u, Remaining(Gfp.User));
        Assert.Equal(226u, Remaining(Gfp.NoIo));
        Assert.Equal(58u, Remaining(0));
    }

    /// <summary>
    /// Q: Same machine, GFP_ATOMIC instead: how many pages remain?
    /// Reasoning: an allocation that cannot sleep uses a quarter of pages_min in the second pass:
    /// Normal down to 1 + 96/4 = 25 pages, DMA down to 25 + 32/4 = 33. It cannot enter reclaim, so
    /// it fails there: 25 + 33 = 58 pages remain.
    /// </summary>
    [Fact, Chapter(3)]
    public void GfpAtomic_DigsToAQuarterOfPagesMin_LeavingFreePages58()
    {
        Kernel k = Booted(64);
        while (k.PageAlloc.AllocPage(Gfp.Atomic) is not null) { }
        Assert.Equal(58u, k.PageAlloc.NrFreePages());
    }

    /// <summary>
    /// Q: And for a task with PF_MEMALLOC set (a task that is itself reclaiming memory)?
    /// Reasoning: after the two watermark passes fail, __alloc_pages lets PF_MEMALLOC tasks call
    /// rmqueue with no watermark at all, so every free page can be taken: 0 remain.
    /// </summary>
    [Fact, Chapter(3)]
    public void PfMemalloc_TakesTheLastPage()
    {
        Kernel k = Booted(64);
        // The booted machine's current task is the boot task; give it the flag.
        k.Current.Flags |= TaskStruct.PfMemalloc;
        while (k.PageAlloc.AllocPage(Gfp.Kernel) is not null) { }
        Assert.Equal(0u, k.PageAlloc.NrFreePages());
    }

    /// <summary>
    /// Q: Replay the figure of the chapter on the HighMem zone of a 1 GiB PC: two alloc_page calls
    /// and one order-2 allocation, then free the first page, the order-2 block and the second page.
    /// Which blocks do the three allocations return, and at which order does each free stop?
    /// Reasoning: the first alloc_page splits the order-9 block at 229376 nine times and returns
    /// its last page, 229887, leaving 229886 on order 0, 229884 on order 1, 229880 on order 2 and
    /// so on. The second takes 229886 from order 0; the order-2 request takes 229880 from its own
    /// list. Freeing 229887: its buddy 229886 is in use, the pair bit was 0, stop at order 0.
    /// Freeing 229880 at order 2: its buddy 229884-229887 is not a free order-2 block, stop at 2.
    /// Freeing 229886: its buddy 229887 is free, and at every order above the buddy is a block the
    /// first split left, so it merges all the way to order 9: 64 order-9 blocks, as at boot.
    /// </summary>
    [Fact, Chapter(3)]
    public void FiguresSequence_ThreeAllocations_TheLastFreeMergesBackToOrder9()
    {
        Kernel k = Pc1G();
        Zone hm = HighMem(k);
        Page a = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Page b = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Page c = k.PageAlloc.AllocPages(Gfp.HighUser, 2)!;
        Assert.Equal([229887, 229886, 229880], new[] { a.MapNr, b.MapNr, c.MapNr });
        k.PageAlloc.FreePage(a);
        Assert.Equal(229887, hm.FreeArea[0].FreeList.Next.Entry<Page>().MapNr);
        k.PageAlloc.FreePages(c, 2);
        Assert.Equal(229880, hm.FreeArea[2].FreeList.Next.Entry<Page>().MapNr);
        k.PageAlloc.FreePage(b);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 64], ListLengths(hm));
        k.PageAlloc.CheckInvariants();
    }

    /// <summary>
    /// Q: Who prints show_free_areas' report on an i386 2.4 kernel?
    /// Reasoning: its only i386 caller is show_mem (arch/i386/mm/init.c), which the console runs for
    /// Shift+ScrollLock and for SysRq-M. show_mem prints "Mem-info:", then show_free_areas' lines,
    /// then the free swap and its own page counts. Neither a failing allocation nor the OOM killer
    /// prints it in 2.4.20.
    /// </summary>
    [Fact, Chapter(3)]
    public void ShowFreeAreas_IsPrintedByShowMem()
    {
        var m = LinuxVm.Arch.X86.Machine.Boot(new LinuxVm.Arch.X86.MachineConfig { RamBytes = 64u << 20 });
        string[] free = m.Kernel.PageAlloc.ShowFreeAreas().TrimEnd('\n').Split('\n');
        IReadOnlyList<string> mem = m.Arch.Init.ShowMem();
        Assert.Equal("Mem-info:", mem[0]);
        Assert.Equal(free, mem.Skip(1).Take(free.Length));
        Assert.StartsWith("Free swap:", mem[free.Length + 1]);
    }

    /// <summary>
    /// Q: What is the largest block alloc_pages can return, and what happens one order above?
    /// Reasoning: MAX_ORDER is 10, so orders 0-9 exist: 2^9 pages = 2 MiB. alloc_pages returns
    /// NULL for order 10 before looking at any zone.
    /// </summary>
    [Fact, Chapter(3)]
    public void LargestBlockIsOrder9_Order10IsRefused()
    {
        Kernel k = Pc1G();
        Page? big = k.PageAlloc.AllocPages(Gfp.HighUser, 9);
        Assert.NotNull(big);
        Assert.Equal(0, big!.MapNr % 512);
        Assert.Null(k.PageAlloc.AllocPages(Gfp.HighUser, 10));
    }

    /// <summary>
    /// Q: What does /proc/buddyinfo say for HighMem on a freshly booted 1 GiB PC?
    /// Reasoning: 32768 free pages in 64 blocks of order 9, nothing smaller.
    /// </summary>
    [Fact, Chapter(3)]
    public void Buddyinfo_HighMemOf1GiB_Is64Order9Blocks()
    {
        Kernel k = Pc1G();
        string line = k.ProcMisc.BuddyinfoReadProc().Split('\n')[2];
        Assert.Equal("Node 0, zone  HighMem      0      0      0      0      0      0      0      0      0     64 ", line);
    }

    /// <summary>
    /// Q: A reserved page (one the firmware or kernel image owns) is passed to __free_pages.
    /// What happens?
    /// Reasoning: __free_pages tests PageReserved before dropping the reference; reserved pages
    /// never enter the buddy allocator, so nothing changes, not even the count.
    /// </summary>
    [Fact, Chapter(3)]
    public void FreeingAReservedPage_IsIgnored()
    {
        Kernel k = Booted(64);
        Page kernelText = k.Memory.MemMap[0x200];       // kernel code (the image spans 1 MiB to 0x38B5A4)
        uint free = k.PageAlloc.NrFreePages();
        int count = kernelText.Count;
        k.PageAlloc.FreePage(kernelText);
        Assert.Equal(free, k.PageAlloc.NrFreePages());
        Assert.Equal(count, kernelText.Count);
    }
}
