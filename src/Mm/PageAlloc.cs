using System.Globalization;
using System.Text;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;
using static LinuxVm.Mm.Include.MmZone;
using static LinuxVm.Mm.Include.PageConstants;
using static LinuxVm.Mm.Include.PageFlags;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/page_alloc.c: the zoned buddy allocator. Each zone keeps free blocks of
/// 2^0 to 2^9 pages on ten lists, with one bitmap per order recording, for every pair of buddies,
/// whether exactly one of the two is free; allocation splits larger blocks, freeing merges buddies.
/// </summary>
public sealed partial class PageAlloc
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public PageAlloc(Kernel kernel) => _kernel = kernel;

    /// <summary>Free swap slots (maintained by the swap code).</summary>
    [Linux("mm/page_alloc.c", "nr_swap_pages")]
    public int NrSwapPages { get; set; }

    /// <summary>Pages on the active LRU list (maintained by mm/swap.c).</summary>
    [Linux("mm/page_alloc.c", "nr_active_pages")]
    public int NrActivePages { get; set; }

    /// <summary>Pages on the inactive LRU list (maintained by mm/swap.c).</summary>
    [Linux("mm/page_alloc.c", "nr_inactive_pages")]
    public int NrInactivePages { get; set; }

    /// <summary>Times __alloc_pages found every zone below pages_low and asked for kswapd.</summary>
    public int KswapdWakeups { get; private set; }

    /// <summary>The inactive LRU list, linked through <see cref="Page.Lru"/>.</summary>
    [Linux("mm/page_alloc.c", "inactive_list")]
    public ListHead InactiveList { get; } = new();

    /// <summary>The active LRU list, linked through <see cref="Page.Lru"/>.</summary>
    [Linux("mm/page_alloc.c", "active_list")]
    public ListHead ActiveList { get; } = new();

    /// <summary>All memory nodes, linked through <see cref="PgData.NodeNext"/>; init_bootmem adds the first.</summary>
    [Linux("mm/page_alloc.c", "pgdat_list")]
    public PgData? PgdatList { get; set; }

    /// <summary>Zone number (as stored in the top bits of page->flags) to zone.</summary>
    [Linux("mm/page_alloc.c", "zone_table")]
    public Zone?[] ZoneTable { get; } = new Zone?[MaxNrZones * MaxNrNodes];

    [Linux("mm/page_alloc.c", "zone_names")]
    private readonly string[] _zoneNames = ["DMA", "Normal", "HighMem"];

    // One pages_min per this many pages of the zone, bounded below and above. They are
    // per-instance because setup_mem_frac (the memfrac= boot option) can change the ratios.
    [Linux("mm/page_alloc.c", "zone_balance_ratio")]
    private readonly int[] _zoneBalanceRatio = [128, 128, 128];

    [Linux("mm/page_alloc.c", "zone_balance_min")]
    private readonly int[] _zoneBalanceMin = [20, 20, 20];

    [Linux("mm/page_alloc.c", "zone_balance_max")]
    private readonly int[] _zoneBalanceMax = [255, 255, 255];

    /// <summary>Kernel virtual address of mem_map in simulated memory (where free_area_init_core put it).</summary>
    /// <remarks>Port note: the descriptors themselves are the C# objects of <see cref="Memory.MemMap"/>;
    /// the bootmem area of the same size is still taken so that low memory is used as on a PC.</remarks>
    public uint MemMapVirtual { get; private set; }

    /// <summary>The zone a page belongs to, from the zone number in the top bits of its flags.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "page_zone")]
    public Zone PageZone(Page page) =>
        ZoneTable[page.Flags >> ZoneShift] ?? throw new InvalidOperationException($"{page} has no zone (free_area_init has not run)");

    // A debugging check the kernel still carried in 2.4.20: is the page outside the zone?
    [Linux("mm/page_alloc.c", "BAD_RANGE")]
    private bool BadRange(Zone zone, Page page) =>
        page.MapNr >= zone.ZoneStartMapnr + zone.Size
        || page.MapNr < zone.ZoneStartMapnr
        || zone != ZoneTable[page.Flags >> ZoneShift];

    // Is the page inside mem_map as mem_init sized it? (include/asm-i386/page.h)
    [Linux("include/asm-i386/page.h", "VALID_PAGE")]
    private bool ValidPage(Page page) => (uint)page.MapNr < _kernel.Memory.MaxMapnr;


    /// <summary>
    /// Returns a block of 2^<paramref name="order"/> pages to its zone's free lists, merging it
    /// with its buddy for as long as the buddy is free too.
    /// </summary>
    [Linux("mm/page_alloc.c", "__free_pages_ok")]
    private void FreePagesOk(Page page, int order)
    {
        // #region checks
        if (PageLru(page))
        {
            // Port note: in_interrupt() is never true in the simulation.
            _kernel.Swap.LruCacheDel(page);
        }
        // Port note: page->buffers is not modelled (no buffer heads yet), so its BUG() check is absent.
        if (page.Mapping is not null)
            throw new KernelPanicException("page->mapping", "__free_pages_ok");
        if (!ValidPage(page))
            throw new KernelPanicException("!VALID_PAGE(page)", "__free_pages_ok");
        if (PageLocked(page))
            throw new KernelPanicException("PageLocked(page)", "__free_pages_ok");
        if (PageActive(page))
            throw new KernelPanicException("PageActive(page)", "__free_pages_ok");
        page.Flags &= ~((1u << Referenced) | (1u << Dirty));
        // #endregion

        // #region local
        // A task in reclaim (balance_classzone) keeps the first block it frees for itself.
        TaskStruct current = _kernel.Sched.Current;
        if ((current.Flags & TaskStruct.PfFreePages) != 0
            && current.NrLocalPages == 0)   // and not in_interrupt(): never, here
        {
            current.LocalPages.Add(page.List);
            page.Index = (uint)order;
            current.NrLocalPages++;
            return;
        }
        // #endregion

        // #region coalesce
        Zone zone = PageZone(page);
        uint mask = ~0u << order;                 // -mask == 1 << order
        int @base = zone.ZoneMemMap;
        uint pageIdx = (uint)(page.MapNr - @base);
        if ((pageIdx & ~mask) != 0)
            throw new KernelPanicException("page_idx & ~mask", "__free_pages_ok");
        uint index = pageIdx >> (1 + order);     // the pair's bit at this order
        int area = order;

        zone.Lock.Lock();
        zone.FreePages -= mask;                   // adds 1 << order

        Page[] memMap = _kernel.Memory.MemMap;
        // The loop ends at the top order (mask == -512) without touching a bitmap: the largest
        // blocks have no buddies to merge with.
        while ((mask + (1u << (MaxOrder - 1))) != 0)
        {
            if (area >= MaxOrder)
                throw new KernelPanicException("area >= zone->free_area + MAX_ORDER", "__free_pages_ok");
            // Flipping the pair's bit: if it was clear, both halves were allocated and now one
            // is free, so there is nothing to merge. If it was set, the buddy is the free one.
            if (!zone.FreeArea[area].Map!.TestAndChangeBit(index))
                break;
            Page buddy1 = memMap[@base + (int)(pageIdx ^ (0u - mask))];
            Page buddy2 = memMap[@base + (int)pageIdx];
            if (BadRange(zone, buddy1))
                throw new KernelPanicException("BAD_RANGE(zone,buddy1)", "__free_pages_ok");
            if (BadRange(zone, buddy2))
                throw new KernelPanicException("BAD_RANGE(zone,buddy2)", "__free_pages_ok");

            buddy1.List.Del();                    // the buddy leaves its list: the pair moves up
            mask <<= 1;
            area++;
            index >>= 1;
            pageIdx &= mask;
        }
        zone.FreeArea[area].FreeList.Add(memMap[@base + (int)pageIdx].List);
        zone.Lock.Unlock();
        // #endregion
    }

    // Flips the pair bit of the block at index in area's bitmap.
    [Linux("mm/page_alloc.c", "MARK_USED")]
    private static void MarkUsed(uint index, int order, FreeArea area) =>
        area.Map!.ChangeBit(index >> (1 + order));

    /// <summary>
    /// Splits a free block of order <paramref name="high"/> down to order <paramref name="low"/>:
    /// each step puts the lower half on the free list one order down and keeps the upper half.
    /// </summary>
    [Linux("mm/page_alloc.c", "expand")]
    private Page Expand(Zone zone, Page page, uint index, int low, int high, int area)
    {
        Page[] memMap = _kernel.Memory.MemMap;
        uint size = 1u << high;

        while (high > low)
        {
            if (BadRange(zone, page))
                throw new KernelPanicException("BAD_RANGE(zone,page)", "expand");
            area--;
            high--;
            size >>= 1;
            zone.FreeArea[area].FreeList.Add(page.List);
            MarkUsed(index, high, zone.FreeArea[area]);
            index += size;
            page = memMap[page.MapNr + (int)size];
        }
        if (BadRange(zone, page))
            throw new KernelPanicException("BAD_RANGE(zone,page)", "expand");
        return page;
    }

    /// <summary>
    /// Takes a block of 2^<paramref name="order"/> pages from <paramref name="zone"/>: the first
    /// block on the smallest non-empty free list of that order or above, split as needed.
    /// </summary>
    [Linux("mm/page_alloc.c", "rmqueue")]
    private Page? Rmqueue(Zone zone, int order)
    {
        int area = order;
        int currOrder = order;

        zone.Lock.Lock();
        do
        {
            ListHead head = zone.FreeArea[area].FreeList;
            ListHead curr = head.Next;

            if (curr != head)
            {
                // #region split
                Page page = curr.Entry<Page>();
                if (BadRange(zone, page))
                    throw new KernelPanicException("BAD_RANGE(zone,page)", "rmqueue");
                curr.Del();
                uint index = (uint)(page.MapNr - zone.ZoneMemMap);
                if (currOrder != MaxOrder - 1)
                    MarkUsed(index, currOrder, zone.FreeArea[area]);
                zone.FreePages -= 1u << order;

                page = Expand(zone, page, index, order, currOrder, area);
                zone.Lock.Unlock();
                // #endregion

                SetPageCount(page, 1);
                if (BadRange(zone, page))
                    throw new KernelPanicException("BAD_RANGE(zone,page)", "rmqueue");
                if (PageLru(page))
                    throw new KernelPanicException("PageLRU(page)", "rmqueue");
                if (PageActive(page))
                    throw new KernelPanicException("PageActive(page)", "rmqueue");
                return page;
            }
            currOrder++;
            area++;
        } while (currOrder < MaxOrder);
        zone.Lock.Unlock();

        return null;
    }

    /// <summary>Allocates from the single node's zonelist chosen by the zone bits of <paramref name="gfpMask"/>.</summary>
    /// <param name="gfpMask">GFP flags.</param>
    /// <param name="order">log2 of the number of pages, below MAX_ORDER.</param>
    /// <returns>The first page of the block, or null.</returns>
    [Linux("mm/page_alloc.c", "_alloc_pages")]
    public Page? AllocPagesCore(uint gfpMask, int order) =>
        AllocPagesCore(gfpMask, order, _kernel.Numa.ContigPageData.NodeZonelists[gfpMask & GfpZoneMask]);

    // Frees memory for the class zone on the caller's behalf. With PF_FREE_PAGES set, the first
    // block reclaim frees lands on the task's local list; if it has the right order and zone it
    // is taken directly, so a racing allocator cannot steal it.
    [Linux("mm/page_alloc.c", "balance_classzone")]
    private Page? BalanceClasszone(Zone classzone, uint gfpMask, int order, out int freed)
    {
        Page? page = null;
        int freedHere = 0;

        if ((gfpMask & Gfp.Wait) == 0)
        {
            freed = freedHere;
            return page;
        }
        // Port note: in_interrupt() is never true in the simulation, so its BUG() cannot fire.

        TaskStruct current = _kernel.Sched.Current;
        current.AllocationOrder = (uint)order;
        current.Flags |= TaskStruct.PfMemalloc | TaskStruct.PfFreePages;

        freedHere = _kernel.Vmscan.TryToFreePagesZone(classzone, gfpMask);

        current.Flags &= ~(TaskStruct.PfMemalloc | TaskStruct.PfFreePages);
        if (current.NrLocalPages != 0)
            page = TakeLocalPages(current, classzone, order, freedHere);
        freed = freedHere;
        return page;
    }

    // The local_pages half of balance_classzone: pick a matching block if reclaim made progress,
    // then give every other block back to the buddy lists, oldest first.
    private Page? TakeLocalPages(TaskStruct current, Zone classzone, int order, int freed)
    {
        Page? page = null;
        ListHead localPages = current.LocalPages;

        if (freed != 0)
        {
            for (ListHead entry = localPages.Next; entry != localPages; entry = entry.Next)
            {
                Page tmp = entry.Entry<Page>();
                if (tmp.Index == (uint)order && Memclass(PageZone(tmp), classzone))
                {
                    entry.Del();
                    current.NrLocalPages--;
                    SetPageCount(tmp, 1);
                    page = tmp;
                    CheckLocalPage(page);
                    break;
                }
            }
        }

        uint nrPages = current.NrLocalPages;
        ListHead e;
        while ((e = localPages.Prev) != localPages)
        {
            e.Del();
            Page tmp = e.Entry<Page>();
            FreePagesOk(tmp, (int)tmp.Index);
            if (nrPages-- == 0)
                throw new KernelPanicException("!nr_pages--", "balance_classzone");
        }
        current.NrLocalPages = 0;
        return page;
    }

    // The BUG() checks balance_classzone makes on a page it takes from the local list.
    private void CheckLocalPage(Page page)
    {
        if (page.Mapping is not null)
            throw new KernelPanicException("page->mapping", "balance_classzone");
        if (!ValidPage(page))
            throw new KernelPanicException("!VALID_PAGE(page)", "balance_classzone");
        if (PageLocked(page))
            throw new KernelPanicException("PageLocked(page)", "balance_classzone");
        if (PageLru(page))
            throw new KernelPanicException("PageLRU(page)", "balance_classzone");
        if (PageActive(page))
            throw new KernelPanicException("PageActive(page)", "balance_classzone");
        if (PageDirty(page))
            throw new KernelPanicException("PageDirty(page)", "balance_classzone");
    }

    // Is pgzone in the same node as classzone and no higher than it (include/linux/mmzone.h)?
    [Linux("include/linux/mmzone.h", "memclass")]
    private static bool Memclass(Zone pgzone, Zone classzone) =>
        pgzone.ZonePgdat == classzone.ZonePgdat && pgzone.Index <= classzone.Index;

    /// <summary>
    /// The heart of the zoned buddy allocator: tries each zone of <paramref name="zonelist"/> in
    /// turn against ever stricter watermarks, waking kswapd, digging into reserves, and finally
    /// reclaiming on the caller's behalf.
    /// </summary>
    /// <param name="gfpMask">GFP flags: may the caller sleep (__GFP_WAIT)?</param>
    /// <param name="order">log2 of the number of pages.</param>
    /// <param name="zonelist">The zones to try, preferred first.</param>
    /// <returns>The first page of the block, or null.</returns>
    [Linux("mm/page_alloc.c", "__alloc_pages")]
    public Page? AllocPagesCore(uint gfpMask, int order, Zonelist zonelist)
    {
        Zone?[] zones = zonelist.Zones;
        Zone? classzone = zones[0];
        if (classzone is null)
            return null;
        Page? page;

        // #region fast
        // First pass: take from a zone only if it stays above pages_low. The threshold
        // accumulates along the list, so falling back to a lower zone demands more of it.
        uint min = 1u << order;
        for (int i = 0; zones[i] is Zone z; i++)
        {
            min += z.PagesLow;
            if (z.FreePages > min)
            {
                page = Rmqueue(z, order);
                if (page is not null)
                    return page;
            }
        }
        // #endregion

        // #region kswapd
        classzone.NeedBalance = 1;
        KswapdWakeups++;
        // Until kswapd is ported nobody sleeps on its queue, so the wake-up is skipped.
        if (_kernel.Vmscan.KswapdWait.Active)
            _kernel.Sched.WakeUpInterruptible(_kernel.Vmscan.KswapdWait);
        // #endregion

        // #region min
        // Second pass: down to pages_min, or a quarter of it for callers that cannot sleep.
        min = 1u << order;
        for (int i = 0; zones[i] is Zone z; i++)
        {
            uint localMin = z.PagesMin;
            if ((gfpMask & Gfp.Wait) == 0)
                localMin >>= 2;
            min += localMin;
            if (z.FreePages > min)
            {
                page = Rmqueue(z, order);
                if (page is not null)
                    return page;
            }
        }
        // #endregion

        // The slow path: memory is low.
        while (true)   // the rebalance label
        {
            // #region memalloc
            // A task that is itself freeing memory (or dying) may take the very last pages.
            TaskStruct current = _kernel.Sched.Current;
            if ((current.Flags & (TaskStruct.PfMemalloc | TaskStruct.PfMemdie)) != 0)
            {
                for (int i = 0; zones[i] is Zone z; i++)
                {
                    page = Rmqueue(z, order);
                    if (page is not null)
                        return page;
                }
                return null;
            }
            // #endregion

            // Atomic allocations cannot wait for reclaim.
            if ((gfpMask & Gfp.Wait) == 0)
                return null;

            uint freeBefore = ZonelistFreePages(zones);
            page = BalanceClasszone(classzone, gfpMask, order, out int freed);
            if (page is not null)
                return page;

            min = 1u << order;
            for (int i = 0; zones[i] is Zone z; i++)
            {
                min += z.PagesMin;
                if (z.FreePages > min)
                {
                    page = Rmqueue(z, order);
                    if (page is not null)
                        return page;
                }
            }

            // Large allocations give up rather than loop.
            if (order > 3)
                return null;

            _kernel.Sched.Yield();
            // Port note: the kernel retries forever here, trusting reclaim, kswapd or in the end
            // the OOM killer to free something. The simulation is single-threaded and
            // deterministic: if neither reclaim nor the yield freed a page in a zone this
            // allocation may use, the next round would see exactly the same state, so it gives up
            // and returns null instead of spinning.
            if (freed == 0 && ZonelistFreePages(zones) <= freeBefore)
                return null;
        }
    }

    // The port's stopping rule measures the zones of the zonelist itself, not nr_free_pages():
    // pages freed in a zone the allocation may not use cannot change the next round, and the C's
    // __alloc_pages calls no counting function, so its call graph stays the C's.
    private static uint ZonelistFreePages(Zone?[] zones)
    {
        uint sum = 0;
        for (int i = 0; zones[i] is Zone z; i++)
            sum += z.FreePages;
        return sum;
    }

    /// <summary>Allocates 2^<paramref name="order"/> pages and returns the kernel virtual address of the first (0 on failure, or for a high-memory page).</summary>
    /// <param name="gfpMask">GFP flags.</param>
    /// <param name="order">log2 of the number of pages.</param>
    [Linux("mm/page_alloc.c", "__get_free_pages")]
    public uint GetFreePages(uint gfpMask, int order)
    {
        Page? page = AllocPages(gfpMask, order);
        if (page is null)
            return 0;
        return _kernel.PageAddress(page);
    }

    /// <summary>Allocates one page, fills it with zeros and returns its kernel virtual address (0 on failure).</summary>
    /// <param name="gfpMask">GFP flags (must not allow high memory: the page is cleared through its address).</param>
    [Linux("mm/page_alloc.c", "get_zeroed_page")]
    public uint GetZeroedPage(uint gfpMask)
    {
        Page? page = AllocPages(gfpMask, 0);
        if (page is not null)
        {
            uint address = _kernel.PageAddress(page);
            _kernel.Phys.Fill(_kernel.Pa(address), 0, PageSize);   // clear_page
            return address;
        }
        return 0;
    }

    /// <summary>Drops a reference to a block; the last reference returns it to the buddy allocator. Reserved pages are never freed.</summary>
    /// <param name="page">First page of the block.</param>
    /// <param name="order">The order it was allocated with.</param>
    [Linux("mm/page_alloc.c", "__free_pages")]
    public void FreePages(Page page, int order)
    {
        if (!PageReserved(page) && PutPageTestZero(page))
            FreePagesOk(page, order);
    }

    /// <summary>Frees the block at kernel virtual address <paramref name="addr"/> (0 is ignored).</summary>
    /// <param name="addr">Address returned by <see cref="GetFreePages"/>.</param>
    /// <param name="order">The order it was allocated with.</param>
    [Linux("mm/page_alloc.c", "free_pages")]
    public void FreePages(uint addr, int order)
    {
        if (addr != 0)
            FreePages(_kernel.VirtToPage(addr), order);
    }

    /// <summary>Free pages in all zones of all nodes.</summary>
    [Linux("mm/page_alloc.c", "nr_free_pages")]
    public uint NrFreePages()
    {
        uint sum = 0;
        foreach (Zone zone in AllZones())
            sum += zone.FreePages;
        return sum;
    }

    /// <summary>Pages that buffer (GFP_USER) allocations could use: each zone's size above pages_high.</summary>
    [Linux("mm/page_alloc.c", "nr_free_buffer_pages")]
    public uint NrFreeBufferPages()
    {
        uint sum = 0;
        for (PgData? pgdat = PgdatList; pgdat is not null; pgdat = pgdat.NodeNext)
        {
            Zonelist zonelist = pgdat.NodeZonelists[Gfp.User & GfpZoneMask];
            for (int i = 0; zonelist.Zones[i] is Zone zone; i++)
            {
                uint size = zone.Size;
                uint high = zone.PagesHigh;
                if (size > high)
                    sum += size - high;
            }
        }
        return sum;
    }

    /// <summary>Free pages in the high-memory zones.</summary>
    [Linux("mm/page_alloc.c", "nr_free_highpages")]
    public uint NrFreeHighpages()
    {
        uint pages = 0;
        for (PgData? pgdat = PgdatList; pgdat is not null; pgdat = pgdat.NodeNext)
            pages += pgdat.NodeZones[ZoneHighMem].FreePages;
        return pages;
    }

    // Pages to kilobytes.
    [Linux("mm/page_alloc.c", "K")]
    private static uint K(uint x) => x << (PageShift - 10);

    /// <summary>
    /// Prints (and returns) the free memory of every zone and, for each zone of
    /// <paramref name="pgdat"/>, how many free blocks each order's list holds.
    /// </summary>
    /// <param name="pgdat">The node whose free lists are listed.</param>
    /// <returns>The lines printed, each ending in a newline.</returns>
    [Linux("mm/page_alloc.c", "show_free_areas_core")]
    public string ShowFreeAreasCore(PgData pgdat)
    {
        var text = new StringBuilder();
        void Print(string line)
        {
            _kernel.Printk(line);
            text.Append(line).Append('\n');
        }

        Print(Inv($"Free pages:      {K(NrFreePages()),6}kB ({K(NrFreeHighpages()),6}kB HighMem)"));
        for (PgData? tmpdat = pgdat; tmpdat is not null; tmpdat = tmpdat.NodeNext)
            foreach (Zone zone in tmpdat.NodeZones)
                Print(Inv($"Zone:{zone.Name} freepages:{K(zone.FreePages),6}kB min:{K(zone.PagesMin),6}kB low:{K(zone.PagesLow),6}kB high:{K(zone.PagesHigh),6}kB"));

        Print(Inv($"( Active: {NrActivePages}, inactive: {NrInactivePages}, free: {NrFreePages()} )"));

        // One line per zone: count*blocksize for each order, then the total. The unmatched
        // closing parenthesis is the kernel's own.
        for (int type = 0; type < MaxNrZones; type++)
        {
            Zone zone = pgdat.NodeZones[type];
            var line = new StringBuilder();
            uint total = 0;
            if (zone.Size != 0)
            {
                zone.Lock.Lock();
                for (int order = 0; order < MaxOrder; order++)
                {
                    uint nr = (uint)zone.FreeArea[order].FreeList.Count();
                    total += nr * (1u << order);
                    line.Append(Inv($"{nr}*{K(1) << order}kB "));
                }
                zone.Lock.Unlock();
            }
            line.Append(Inv($"= {K(total)}kB)"));
            Print(line.ToString());
        }
        return text.ToString();
    }

    /// <summary>Prints (and returns) <see cref="ShowFreeAreasCore"/> for the first node.</summary>
    [Linux("mm/page_alloc.c", "show_free_areas")]
    public string ShowFreeAreas() =>
        ShowFreeAreasCore(PgdatList ?? throw new InvalidOperationException("no memory node yet (init_bootmem has not run)"));

    /// <summary>
    /// Builds the node's zonelists: for each value of the GFP zone bits, the zones an allocation
    /// may use, best first. HighMem falls back to Normal then DMA; Normal to DMA; DMA to nothing.
    /// </summary>
    /// <param name="pgdat">The node.</param>
    [Linux("mm/page_alloc.c", "build_zonelists")]
    private static void BuildZonelists(PgData pgdat)
    {
        for (int i = 0; i <= GfpZoneMask; i++)
        {
            Zonelist zonelist = pgdat.NodeZonelists[i];
            Array.Clear(zonelist.Zones);

            int j = 0;
            int k = ZoneNormal;
            if ((i & (int)Gfp.HighMem) != 0)
                k = ZoneHighMem;
            if ((i & (int)Gfp.Dma) != 0)
                k = ZoneDma;

            // The C is a switch whose cases fall through from HighMem down to DMA.
            if (k >= ZoneHighMem && pgdat.NodeZones[ZoneHighMem].Size != 0)
                zonelist.Zones[j++] = pgdat.NodeZones[ZoneHighMem];   // CONFIG_HIGHMEM is set
            if (k >= ZoneNormal && pgdat.NodeZones[ZoneNormal].Size != 0)
                zonelist.Zones[j++] = pgdat.NodeZones[ZoneNormal];
            if (pgdat.NodeZones[ZoneDma].Size != 0)
                zonelist.Zones[j++] = pgdat.NodeZones[ZoneDma];
            zonelist.Zones[j] = null;
        }
    }

    /// <summary>Pages per hashed wait queue when sizing a zone's wait_table.</summary>
    [Linux("mm/page_alloc.c", "PAGES_PER_WAITQUEUE")]
    public const uint PagesPerWaitqueue = 256;

    /// <summary>Bytes of a <c>wait_queue_head_t</c> on SMP i386: a 4-byte spinlock and a list head.</summary>
    public const uint WaitQueueHeadSizeOf = 12;

    /// <summary>Number of wait queues for a zone of <paramref name="pages"/> pages: one per 256 pages, rounded up to a power of two, at most 4096.</summary>
    /// <param name="pages">Zone size in pages.</param>
    [Linux("mm/page_alloc.c", "wait_table_size")]
    public static uint WaitTableSize(uint pages)
    {
        uint size = 1;
        pages /= PagesPerWaitqueue;
        while (size < pages)
            size <<= 1;
        // Beyond a few thousand sleepers collisions are the least of the machine's problems.
        return Math.Min(size, 4096u);
    }

    /// <summary>log2 of a power-of-two table size (the first zero bit of its complement).</summary>
    /// <param name="size">A power of two.</param>
    [Linux("mm/page_alloc.c", "wait_table_bits")]
    public static int WaitTableBits(uint size) => System.Numerics.BitOperations.TrailingZeroCount(size);   // ffz(~size)

    // Rounds up to a multiple of sizeof(long).
    [Linux("mm/page_alloc.c", "LONG_ALIGN")]
    private static uint LongAlign(uint x) => (x + sizeof(uint) - 1) & ~(uint)(sizeof(uint) - 1);

    // Rounds an offset into the direct map up to a whole struct page (include/linux/mmzone.h).
    [Linux("include/linux/mmzone.h", "MAP_ALIGN")]
    private static uint MapAlign(uint x) =>
        x % Page.SizeOf == 0 ? x : x + (uint)Page.SizeOf - x % (uint)Page.SizeOf;

    /// <summary>
    /// Sets up a node's zones: takes mem_map from bootmem (unless given), marks every page
    /// reserved and records its zone, sizes the watermarks and wait tables, allocates the buddy
    /// bitmaps from bootmem and builds the zonelists. Pages become free later, in free_all_bootmem.
    /// </summary>
    /// <param name="nid">Node number.</param>
    /// <param name="pgdat">The node.</param>
    /// <param name="zonesSize">Pages per zone (DMA, Normal, HighMem).</param>
    /// <param name="zoneStartPaddr">Physical address of the node's first page; page aligned.</param>
    /// <param name="zholesSize">Pages of holes per zone, or null.</param>
    /// <param name="lmemMap">Kernel virtual address of a ready mem_map, or 0 to allocate one from bootmem.</param>
    /// <remarks>Port note: the C also takes <c>gmap</c>, where to store the map's address; without
    /// DISCONTIGMEM that is always &amp;mem_map, so the map goes to <see cref="Memory.MemMap"/>.</remarks>
    [Linux("mm/page_alloc.c", "free_area_init_core")]
    public void FreeAreaInitCore(int nid, PgData pgdat, uint[] zonesSize, ulong zoneStartPaddr, uint[]? zholesSize, uint lmemMap)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        ArgumentNullException.ThrowIfNull(zonesSize);
        if (zonesSize.Length != MaxNrZones || (zholesSize is not null && zholesSize.Length != MaxNrZones))
            throw new ArgumentException($"zone sizes need {MaxNrZones} entries (DMA, Normal, HighMem)", nameof(zonesSize));
        const uint zoneRequiredAlignment = 1u << (MaxOrder - 1);

        if ((zoneStartPaddr & ~(ulong)PageMask) != 0)
            throw new KernelPanicException("zone_start_paddr & ~PAGE_MASK", "free_area_init_core");

        // #region sizes
        uint totalpages = 0;
        for (int i = 0; i < MaxNrZones; i++)
            totalpages += zonesSize[i];
        uint realtotalpages = totalpages;
        if (zholesSize is not null)
            for (int i = 0; i < MaxNrZones; i++)
                realtotalpages -= zholesSize[i];
        _kernel.Printk(Inv($"On node {nid} totalpages: {realtotalpages}"));
        // #endregion

        // #region memmap
        // One struct page per page, plus one spare so that MAP_ALIGN may round the start up.
        uint mapSize = (totalpages + 1) * (uint)Page.SizeOf;
        uint pageOffset = _kernel.Arch.PageOffset;
        if (lmemMap == 0)
        {
            lmemMap = _kernel.Bootmem.AllocBootmemNode(pgdat, mapSize);
            lmemMap = pageOffset + MapAlign(lmemMap - pageOffset);
        }
        MemMapVirtual = lmemMap;
        var memMap = new Page[totalpages];
        for (int i = 0; i < memMap.Length; i++)
            memMap[i] = new Page(i);
        _kernel.Memory.MemMap = memMap;
        pgdat.NodeMemMap = 0;          // lmem_map - mem_map: this map is mem_map
        pgdat.NodeSize = totalpages;
        pgdat.NodeStartPaddr = zoneStartPaddr;
        pgdat.NodeStartMapnr = 0;
        pgdat.NrZones = 0;
        // #endregion

        uint offset = 0;
        for (int j = 0; j < MaxNrZones; j++)
        {
            Zone zone = pgdat.NodeZones[j];
            ZoneTable[nid * MaxNrZones + j] = zone;
            uint size = zonesSize[j], realsize = size;
            if (zholesSize is not null)
                realsize -= zholesSize[j];

            _kernel.Printk(Inv($"zone({j}): {size} pages."));
            zone.Size = size;
            zone.Name = _zoneNames[j];
            // zone->lock and zone->zone_pgdat: the Zone object was built unlocked, owned by pgdat.
            zone.FreePages = 0;
            zone.NeedBalance = 0;
            if (size == 0)
                continue;

            InitWaitTable(pgdat, zone, size);
            pgdat.NrZones = j + 1;

            // #region watermarks
            uint mask = realsize / (uint)_zoneBalanceRatio[j];
            if (mask < _zoneBalanceMin[j])
                mask = (uint)_zoneBalanceMin[j];
            else if (mask > _zoneBalanceMax[j])
                mask = (uint)_zoneBalanceMax[j];
            zone.PagesMin = mask;
            zone.PagesLow = mask * 2;
            zone.PagesHigh = mask * 3;
            // #endregion

            zone.ZoneMemMap = (int)offset;
            zone.ZoneStartMapnr = offset;
            zone.ZoneStartPaddr = zoneStartPaddr;

            if (((zoneStartPaddr >> PageShift) & (zoneRequiredAlignment - 1)) != 0)
                _kernel.Printk("BUG: wrong zone alignment, it will crash");

            // #region pages
            // Every page starts reserved; free_all_bootmem releases the free ones later.
            for (uint i = 0; i < size; i++)
            {
                Page page = memMap[offset + i];
                SetPageZone(page, nid * MaxNrZones + j);
                SetPageCount(page, 0);
                SetPageReserved(page);
                page.List.Init();
                if (j != ZoneHighMem)
                    page.Virtual = _kernel.Va(zoneStartPaddr);   // set_page_address
                zoneStartPaddr += PageSize;
            }
            // #endregion

            offset += size;
            InitFreeAreas(pgdat, zone, size);
        }
        BuildZonelists(pgdat);
    }

    // The wait_table part of free_area_init_core: hashed wait queues for pages of the zone.
    private void InitWaitTable(PgData pgdat, Zone zone, uint size)
    {
        zone.WaitTableSize = WaitTableSize(size);
        zone.WaitTableShift = 32 - WaitTableBits(zone.WaitTableSize);   // BITS_PER_LONG
        // Port note: the queues are C# objects; the bootmem they occupy on a PC is still taken.
        _kernel.Bootmem.AllocBootmemNode(pgdat, zone.WaitTableSize * WaitQueueHeadSizeOf);
        var table = new WaitQueueHead[zone.WaitTableSize];
        for (int i = 0; i < table.Length; i++)
            table[i] = new WaitQueueHead();   // init_waitqueue_head
        zone.WaitTable = table;
    }

    // The free-area part of free_area_init_core: empty lists and a bootmem bitmap per order
    // except the last. Order i needs one bit per pair of order-i blocks: bit (size-1) >> (i+1)
    // is the last one used, so the last byte is (size-1) >> (i+4); one more byte, long aligned.
    private void InitFreeAreas(PgData pgdat, Zone zone, uint size)
    {
        for (int i = 0; ; i++)
        {
            zone.FreeArea[i].FreeList.Init();
            if (i == MaxOrder - 1)
            {
                zone.FreeArea[i].Map = null;
                break;
            }
            uint bitmapSize = (size - 1) >> (i + 4);
            bitmapSize = LongAlign(bitmapSize + 1);
            uint map = _kernel.Bootmem.AllocBootmemNode(pgdat, bitmapSize);
            zone.FreeArea[i].Map = new Bitmap(_kernel.Phys, _kernel.Pa(map), map, bitmapSize * 8);
        }
    }

    /// <summary>Sets up the zones of a PC's single node, starting at physical 0 with no holes, mem_map from bootmem.</summary>
    /// <param name="zonesSize">Pages in ZONE_DMA, ZONE_NORMAL and ZONE_HIGHMEM.</param>
    [Linux("mm/page_alloc.c", "free_area_init")]
    public void FreeAreaInit(uint[] zonesSize) =>
        FreeAreaInitCore(0, _kernel.Numa.ContigPageData, zonesSize, 0, null, 0);

    /// <summary>
    /// The <c>memfrac=</c> boot option: comma-separated zone_balance_ratio values for DMA, Normal
    /// and HighMem (effective only before free_area_init).
    /// </summary>
    /// <param name="str">The option's value, e.g. <c>"32,64,128"</c>.</param>
    /// <returns>1: the option was consumed.</returns>
    [Linux("mm/page_alloc.c", "setup_mem_frac")]
    public int SetupMemFrac(string str)
    {
        ArgumentNullException.ThrowIfNull(str);
        int j = 0;
        int pos = 0;
        // Port note: the C does not stop at MAX_NR_ZONES and would write past the array; the
        // port stops at the third value.
        while (j < MaxNrZones && GetOption(str, ref pos, out int value) is int rc && rc != 0)
        {
            _zoneBalanceRatio[j++] = value;
            if (rc != 2)
                break;
        }
        var line = new StringBuilder("setup_mem_frac: ");
        for (j = 0; j < MaxNrZones; j++)
            line.Append(Inv($"{_zoneBalanceRatio[j]}  "));
        _kernel.Printk(line.ToString());
        return 1;
    }

    // lib/cmdline.c get_option: reads an integer (decimal, 0x hex or 0 octal) at pos;
    // 0 = no number, 1 = number and end, 2 = number followed by a comma (skipped).
    [Linux("lib/cmdline.c", "get_option")]
    private static int GetOption(string s, ref int pos, out int value)
    {
        value = 0;
        int p = pos;
        bool neg = p < s.Length && s[p] == '-';
        if (neg)
            p++;
        int radix = 10;
        if (p + 1 < s.Length && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X'))
        {
            radix = 16;
            p += 2;
        }
        else if (p < s.Length && s[p] == '0')
        {
            radix = 8;
        }
        int start = p;
        long v = 0;
        while (p < s.Length && Uri.IsHexDigit(s[p]) && Convert.ToInt32(s[p].ToString(), 16) < radix)
            v = v * radix + Convert.ToInt32(s[p++].ToString(), 16);
        if (p == start)
            return 0;
        value = (int)(neg ? -v : v);
        pos = p;
        if (p < s.Length && s[p] == ',')
        {
            pos++;
            return 2;
        }
        return 1;
    }

    /// <summary>Allocates 2^<paramref name="order"/> contiguous pages (include/linux/mm.h); null when order is MAX_ORDER or more, or memory is short.</summary>
    /// <param name="gfpMask">GFP flags.</param>
    /// <param name="order">log2 of the number of pages.</param>
    /// <returns>The first page of the block, or null.</returns>
    [Linux("include/linux/mm.h", "alloc_pages")]
    public Page? AllocPages(uint gfpMask, int order)
    {
        if ((uint)order >= MaxOrder)   // a negative order is as impossible as a huge one
            return null;
        return AllocPagesCore(gfpMask, order);
    }

    /// <summary>Allocates one page.</summary>
    /// <param name="gfpMask">GFP flags.</param>
    /// <returns>The page, or null.</returns>
    [Linux("include/linux/mm.h", "alloc_page")]
    public Page? AllocPage(uint gfpMask) => AllocPages(gfpMask, 0);

    /// <summary>Allocates one page and returns its kernel virtual address (0 on failure).</summary>
    /// <param name="gfpMask">GFP flags.</param>
    [Linux("include/linux/mm.h", "__get_free_page")]
    public uint GetFreePage(uint gfpMask) => GetFreePages(gfpMask, 0);

    /// <summary>Drops a reference to one page.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "__free_page")]
    public void FreePage(Page page) => FreePages(page, 0);

    /// <summary>Frees the page at kernel virtual address <paramref name="addr"/> (0 is ignored).</summary>
    /// <param name="addr">The page's address.</param>
    [Linux("include/linux/mm.h", "free_page")]
    public void FreePage(uint addr) => FreePages(addr, 0);

    /// <summary>Every zone of every node, in for_each_zone order (include/linux/mmzone.h).</summary>
    [Linux("include/linux/mmzone.h", "for_each_zone")]
    public IEnumerable<Zone> AllZones()
    {
        for (PgData? pgdat = PgdatList; pgdat is not null; pgdat = pgdat.NodeNext)
            foreach (Zone zone in pgdat.NodeZones)
                yield return zone;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
