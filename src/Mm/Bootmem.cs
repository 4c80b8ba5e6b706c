using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/bootmem.c: the first-fit bitmap allocator the kernel uses while it boots,
/// before the buddy allocator exists, and the hand-over of every page it did not use to the
/// buddy allocator.
/// </summary>
/// <remarks>
/// One bit per page of low memory, set = reserved. The bitmap itself lives in simulated physical
/// memory just after the kernel image, exactly where init_bootmem is told to put it.
/// <code>
///   bit i  ->  page (node_boot_start >> PAGE_SHIFT) + i
///   word i/32, bit i%32 of the map (include/asm-i386/bitops.h)
/// </code>
/// Callers serialise themselves: it only runs on the boot CPU before SMP bring-up.
/// </remarks>
public sealed partial class Bootmem
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Bootmem(Kernel kernel) => _kernel = kernel;

    /// <summary>Frame number just past the last page of the direct-mapped (low) memory.</summary>
    [Linux("mm/bootmem.c", "max_low_pfn")]
    public uint MaxLowPfn { get; set; }

    /// <summary>First frame after the kernel image: where the bootmem bitmap starts.</summary>
    [Linux("mm/bootmem.c", "min_low_pfn")]
    public uint MinLowPfn { get; set; }

    /// <summary>Frame number just past the last page of RAM, high memory included.</summary>
    [Linux("mm/bootmem.c", "max_pfn")]
    public uint MaxPfn { get; set; }

    /// <summary>How many pages a bitmap with one bit for each of <paramref name="pages"/> pages occupies.</summary>
    /// <param name="pages">Pages the bitmap must describe.</param>
    [Linux("mm/bootmem.c", "bootmem_bootmap_pages")]
    public uint BootmemBootmapPages(uint pages)
    {
        uint mapsize = (pages + 7) / 8;              // bytes, rounded up
        mapsize = (mapsize + ~PageMask) & PageMask;  // whole pages
        mapsize >>= PageShift;
        return mapsize;
    }

    // The bitmap of a node as a view over simulated memory. It covers node_low_pfn minus the
    // node's first frame, rounded up to whole longs, just as init_bootmem_core sized it.
    private Bitmap BootMap(BootmemData bdata)
    {
        uint pages = bdata.NodeLowPfn - (uint)(bdata.NodeBootStart >> PageShift);
        uint bytes = ((pages + 7) / 8 + 3) & ~3u;
        return new Bitmap(_kernel.Phys, _kernel.Pa(bdata.NodeBootmemMap), bdata.NodeBootmemMap, bytes * 8);
    }

    // Sets up one node's allocator with its bitmap at frame mapstart, covering frames start to
    // end, everything reserved; returns the bitmap's size in bytes.
    [Linux("mm/bootmem.c", "init_bootmem_core")]
    private uint InitBootmemCore(PgData pgdat, uint mapstart, uint start, uint end)
    {
        BootmemData bdata = pgdat.Bdata;
        uint mapsize = ((end - start) + 7) / 8;

        // The node joins pgdat_list here: this is the first time the kernel hears of it.
        pgdat.NodeNext = _kernel.PageAlloc.PgdatList;
        _kernel.PageAlloc.PgdatList = pgdat;

        mapsize = (mapsize + (sizeof(uint) - 1u)) & ~(sizeof(uint) - 1u);
        bdata.NodeBootmemMap = _kernel.Va((ulong)mapstart << PageShift);
        bdata.NodeBootStart = (ulong)start << PageShift;
        bdata.NodeLowPfn = end;

        // Every page starts out reserved; the architecture then frees what the firmware
        // reports as usable RAM, so holes stay reserved without anyone listing them.
        _kernel.Phys.Fill(_kernel.Pa(bdata.NodeBootmemMap), 0xff, mapsize);
        return mapsize;
    }

    // Marks the pages touching [addr, addr+size) reserved. A partly covered page counts as
    // reserved, so the start rounds down and the end rounds up.
    [Linux("mm/bootmem.c", "reserve_bootmem_core")]
    private void ReserveBootmemCore(BootmemData bdata, ulong addr, ulong size)
    {
        // Port note: the C also tests sidx < 0 and eidx < 0, which can never hold for unsigned
        // longs; addresses below node_boot_start are caught by the sidx >= eidx test instead.
        KernelPanicException.BugOn(size == 0, "!size", "reserve_bootmem_core");
        KernelPanicException.BugOn(addr < bdata.NodeBootStart, "sidx < 0", "reserve_bootmem_core");
        ulong sidx = (addr - bdata.NodeBootStart) / PageSize;
        ulong eidx = (addr + size - bdata.NodeBootStart + PageSize - 1) / PageSize;
        ulong end = (addr + size + PageSize - 1) / PageSize;

        KernelPanicException.BugOn(sidx >= eidx, "sidx >= eidx", "reserve_bootmem_core");
        KernelPanicException.BugOn((addr >> PageShift) >= bdata.NodeLowPfn, "(addr >> PAGE_SHIFT) >= bdata->node_low_pfn", "reserve_bootmem_core");
        KernelPanicException.BugOn(end > bdata.NodeLowPfn, "end > bdata->node_low_pfn", "reserve_bootmem_core");

        Bitmap map = BootMap(bdata);
        for (ulong i = sidx; i < eidx; i++)
            if (map.TestAndSetBit((uint)i))
                _kernel.Printk($"hm, page {i * PageSize:x8} reserved twice.");
    }

    // Marks the pages wholly inside [addr, addr+size) free. Here the rounding goes the other way
    // from reserve: a page only partly covered stays reserved.
    [Linux("mm/bootmem.c", "free_bootmem_core")]
    private void FreeBootmemCore(BootmemData bdata, ulong addr, ulong size)
    {
        KernelPanicException.BugOn(size == 0, "!size", "free_bootmem_core");
        ulong eidx = (addr + size - bdata.NodeBootStart) / PageSize;
        ulong end = (addr + size) / PageSize;
        KernelPanicException.BugOn(end > bdata.NodeLowPfn, "end > bdata->node_low_pfn", "free_bootmem_core");

        ulong start = (addr + PageSize - 1) / PageSize;
        ulong sidx = start - (bdata.NodeBootStart / PageSize);

        // Port note: the kernel BUGs on the first page that was already free, leaving the pages
        // before it freed; here the whole range is checked first so that a refused request
        // changes nothing (the machine panics either way).
        Bitmap map = BootMap(bdata);
        for (ulong i = sidx; i < eidx; i++)
            KernelPanicException.BugOn(!map.TestBit((uint)i), $"!test_and_clear_bit({i}, bdata->node_bootmem_map)", "free_bootmem_core");
        for (ulong i = sidx; i < eidx; i++)
            map.ClearBit((uint)i);
    }

    // First fit above goal (then from the bottom), aligned to align (a power of two); small
    // allocations are packed into the tail of the previous one's last page. Returns the kernel
    // virtual address of zeroed memory, or 0 when the node has no room.
    [Linux("mm/bootmem.c", "__alloc_bootmem_core")]
    private uint AllocBootmemCore(BootmemData bdata, ulong size, ulong align, ulong goal)
    {
        ulong start = 0;
        uint ret;
        ulong eidx = bdata.NodeLowPfn - (bdata.NodeBootStart >> PageShift);

        KernelPanicException.BugOn(size == 0, "!size", "__alloc_bootmem_core");
        KernelPanicException.BugOn((align & (align - 1)) != 0, "align & (align-1)", "__alloc_bootmem_core");

        // #region goal
        // If the node does not start on an alignment boundary, every candidate index is shifted
        // so that the address it stands for is aligned.
        ulong offset = 0;
        if (align != 0 && (bdata.NodeBootStart & (align - 1)) != 0)
            offset = align - (bdata.NodeBootStart & (align - 1));
        offset >>= PageShift;

        // Search above the goal first (so that low allocations leave ISA DMA memory alone),
        // and only fall back to the bottom of the node if that fails.
        ulong preferred;
        if (goal != 0 && goal >= bdata.NodeBootStart && (goal >> PageShift) < bdata.NodeLowPfn)
            preferred = goal - bdata.NodeBootStart;
        else
            preferred = 0;

        preferred = ((preferred + align - 1) & ~(align - 1)) >> PageShift;
        preferred += offset;
        ulong areasize = (size + PageSize - 1) / PageSize;
        ulong incr = align >> PageShift;
        if (incr == 0)
            incr = 1;
        // #endregion

        // #region scan
        Bitmap map = BootMap(bdata);
        bool found = false, restarted = false;
        while (true)
        {
            for (ulong i = preferred; i < eidx; i += incr)
            {
                if (map.TestBit((uint)i))
                    continue;
                if (RunIsFree(map, i, areasize, eidx))
                {
                    start = i;
                    found = true;
                    break;
                }
            }
            // The restart_scan label: one more pass from the bottom of the node.
            // Port note: the C goes back whenever preferred is non-zero, which rescans forever if
            // the node does not start on an alignment boundary (offset != 0); that cannot happen
            // on i386 (node_boot_start is 0), and here the second failure gives up instead.
            if (found || preferred == 0 || restarted)
                break;
            preferred = offset;
            restarted = true;
        }
        if (!found)
            return 0;
        // #endregion

        KernelPanicException.BugOn(start >= eidx, "start >= eidx", "__alloc_bootmem_core");

        // #region merge
        // If the block found starts right after the page where the previous allocation ended,
        // the unused tail of that page is used first (last_pos/last_offset remember it).
        if (align <= PageSize && bdata.LastOffset != 0 && bdata.LastPos + 1 == start)
        {
            offset = (bdata.LastOffset + align - 1) & ~(align - 1);
            KernelPanicException.BugOn(offset > PageSize, "offset > PAGE_SIZE", "__alloc_bootmem_core");
            ulong remainingSize = PageSize - offset;
            if (size < remainingSize)
            {
                // Fits entirely in the old page: no new page is taken, last_pos stays.
                areasize = 0;
                bdata.LastOffset = (uint)(offset + size);
                ret = _kernel.Va(bdata.LastPos * PageSize + offset + bdata.NodeBootStart);
            }
            else
            {
                remainingSize = size - remainingSize;
                areasize = (remainingSize + PageSize - 1) / PageSize;
                ret = _kernel.Va(bdata.LastPos * PageSize + offset + bdata.NodeBootStart);
                bdata.LastPos = (uint)(start + areasize - 1);
                bdata.LastOffset = (uint)remainingSize;
            }
            bdata.LastOffset &= ~PageMask;
        }
        else
        {
            bdata.LastPos = (uint)(start + areasize - 1);
            bdata.LastOffset = (uint)(size & ~(ulong)PageMask);
            ret = _kernel.Va(start * PageSize + bdata.NodeBootStart);
        }
        // #endregion

        for (ulong i = start; i < start + areasize; i++)
            KernelPanicException.BugOn(map.TestAndSetBit((uint)i), "test_and_set_bit(i, bdata->node_bootmem_map)", "__alloc_bootmem_core");
        _kernel.Phys.Fill(_kernel.Pa(ret), 0, (uint)size);
        return ret;
    }

    // The inner loop of the scan: are pages first+1 .. first+areasize-1 all free and inside the node?
    private static bool RunIsFree(Bitmap map, ulong first, ulong areasize, ulong eidx)
    {
        for (ulong j = first + 1; j < first + areasize; ++j)
            if (j >= eidx || map.TestBit((uint)j))
                return false;
        return true;
    }

    // Hands every page the bitmap calls free, and then the bitmap's own pages, to the buddy
    // allocator; returns how many pages that was. After this bootmem is gone.
    [Linux("mm/bootmem.c", "free_all_bootmem_core")]
    private uint FreeAllBootmemCore(PgData pgdat)
    {
        PageAlloc pa = _kernel.PageAlloc;
        Page[] memMap = _kernel.Memory.MemMap;
        int page = pgdat.NodeMemMap;
        BootmemData bdata = pgdat.Bdata;
        uint total = 0;

        KernelPanicException.BugOn(bdata.NodeBootmemMap == 0, "!bdata->node_bootmem_map", "free_all_bootmem_core");

        // #region pages
        Bitmap map = BootMap(bdata);
        uint count = 0;
        uint idx = bdata.NodeLowPfn - (uint)(bdata.NodeBootStart >> PageShift);
        for (uint i = 0; i < idx; i++, page++)
        {
            if (!map.TestBit(i))
            {
                count++;
                Page p = memMap[page];
                PageFlags.ClearPageReserved(p);
                PageFlags.SetPageCount(p, 1);
                pa.FreePage(p);
            }
        }
        total += count;
        // #endregion

        // #region bitmap
        // The bitmap was reserved by the architecture; it is not needed any more.
        page = _kernel.VirtToPage(bdata.NodeBootmemMap).MapNr;
        count = 0;
        uint mapPages = ((bdata.NodeLowPfn - (uint)(bdata.NodeBootStart >> PageShift)) / 8 + PageSize - 1) / PageSize;
        for (uint i = 0; i < mapPages; i++, page++)
        {
            count++;
            Page p = memMap[page];
            PageFlags.ClearPageReserved(p);
            PageFlags.SetPageCount(p, 1);
            pa.FreePage(p);
        }
        total += count;
        bdata.NodeBootmemMap = 0;
        // #endregion

        return total;
    }

    /// <summary>Sets up the allocator of node <paramref name="pgdat"/>: bitmap at frame <paramref name="freepfn"/>, covering frames <paramref name="startpfn"/> to <paramref name="endpfn"/>.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="freepfn">Frame where the bitmap is placed.</param>
    /// <param name="startpfn">First frame the node's bitmap describes.</param>
    /// <param name="endpfn">Frame just past the last one it describes.</param>
    /// <returns>The bitmap's size in bytes.</returns>
    [Linux("mm/bootmem.c", "init_bootmem_node")]
    public uint InitBootmemNode(PgData pgdat, uint freepfn, uint startpfn, uint endpfn) =>
        InitBootmemCore(pgdat, freepfn, startpfn, endpfn);

    /// <summary>Reserves a physical range on node <paramref name="pgdat"/>.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="physaddr">Physical start address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("mm/bootmem.c", "reserve_bootmem_node")]
    public void ReserveBootmemNode(PgData pgdat, ulong physaddr, ulong size) =>
        ReserveBootmemCore(pgdat.Bdata, physaddr, size);

    /// <summary>Frees a physical range on node <paramref name="pgdat"/>.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="physaddr">Physical start address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("mm/bootmem.c", "free_bootmem_node")]
    public void FreeBootmemNode(PgData pgdat, ulong physaddr, ulong size) =>
        FreeBootmemCore(pgdat.Bdata, physaddr, size);

    /// <summary>Retires node <paramref name="pgdat"/>'s boot allocator, releasing its free pages to the buddy allocator.</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>Pages released.</returns>
    [Linux("mm/bootmem.c", "free_all_bootmem_node")]
    public uint FreeAllBootmemNode(PgData pgdat) => FreeAllBootmemCore(pgdat);

    /// <summary>Sets up the allocator of the single node of a PC: bitmap at frame <paramref name="start"/>, describing frames 0 to <paramref name="pages"/>.</summary>
    /// <param name="start">First free frame after the kernel image (becomes min_low_pfn).</param>
    /// <param name="pages">End of low memory (becomes max_low_pfn).</param>
    /// <returns>The bitmap's size in bytes.</returns>
    [Linux("mm/bootmem.c", "init_bootmem")]
    public uint InitBootmem(uint start, uint pages)
    {
        MaxLowPfn = pages;
        MinLowPfn = start;
        return InitBootmemCore(_kernel.Numa.ContigPageData, start, 0, pages);
    }

    /// <summary>Marks a physical range reserved (pages partly in it included).</summary>
    /// <param name="addr">Physical start address.</param>
    /// <param name="size">Bytes; must not be 0.</param>
    [Linux("mm/bootmem.c", "reserve_bootmem")]
    public void ReserveBootmem(ulong addr, ulong size) =>
        ReserveBootmemCore(_kernel.Numa.ContigPageData.Bdata, addr, size);

    /// <summary>Marks a physical range free (only pages wholly inside it).</summary>
    /// <param name="addr">Physical start address.</param>
    /// <param name="size">Bytes; must not be 0.</param>
    [Linux("mm/bootmem.c", "free_bootmem")]
    public void FreeBootmem(ulong addr, ulong size) =>
        FreeBootmemCore(_kernel.Numa.ContigPageData.Bdata, addr, size);

    /// <summary>Retires the boot allocator: every page it holds free goes to the buddy allocator.</summary>
    /// <returns>Pages released (free low memory plus the bitmap's own pages).</returns>
    [Linux("mm/bootmem.c", "free_all_bootmem")]
    public uint FreeAllBootmem() => FreeAllBootmemCore(_kernel.Numa.ContigPageData);

    /// <summary>Allocates zeroed boot memory from the first node that has room; panics when none has.</summary>
    /// <param name="size">Bytes; must not be 0.</param>
    /// <param name="align">Alignment in bytes, a power of two (0 for none).</param>
    /// <param name="goal">Physical address to search from first (0 for the bottom).</param>
    /// <returns>The kernel virtual address of the memory.</returns>
    [Linux("mm/bootmem.c", "__alloc_bootmem")]
    public uint AllocBootmemCore(ulong size, ulong align, ulong goal)
    {
        for (PgData? pgdat = _kernel.PageAlloc.PgdatList; pgdat is not null; pgdat = pgdat.NodeNext)
        {
            uint ptr = AllocBootmemCore(pgdat.Bdata, size, align, goal);
            if (ptr != 0)
                return ptr;
        }
        // Nothing can be done this early: the machine cannot boot.
        _kernel.Printk($"bootmem alloc of {size} bytes failed!");
        throw new KernelPanicException("Out of memory", "__alloc_bootmem");
    }

    /// <summary>Allocates zeroed boot memory on node <paramref name="pgdat"/>; panics when it has no room.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="size">Bytes; must not be 0.</param>
    /// <param name="align">Alignment in bytes, a power of two (0 for none).</param>
    /// <param name="goal">Physical address to search from first.</param>
    /// <returns>The kernel virtual address of the memory.</returns>
    [Linux("mm/bootmem.c", "__alloc_bootmem_node")]
    public uint AllocBootmemNodeCore(PgData pgdat, ulong size, ulong align, ulong goal)
    {
        uint ptr = AllocBootmemCore(pgdat.Bdata, size, align, goal);
        if (ptr != 0)
            return ptr;
        _kernel.Printk($"bootmem alloc of {size} bytes failed!");
        throw new KernelPanicException("Out of memory", "__alloc_bootmem_node");
    }

    // The wrappers of include/linux/bootmem.h. Cache-line alignment for objects, page alignment
    // for page-sized buffers; the goal keeps ordinary allocations above the 16 MiB ISA DMA
    // limit, the _low variants search from physical 0.

    private ulong SmpCacheBytes => (ulong)_kernel.Arch.L1CacheBytes;

    private ulong MaxDmaGoal => _kernel.Pa(_kernel.Arch.MaxDmaAddress);

    /// <summary>Boot memory aligned to a cache line, preferably above the ISA DMA limit.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem")]
    public uint AllocBootmem(ulong size) => AllocBootmemCore(size, SmpCacheBytes, MaxDmaGoal);

    /// <summary>Boot memory aligned to a cache line, searched from physical 0.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem_low")]
    public uint AllocBootmemLow(ulong size) => AllocBootmemCore(size, SmpCacheBytes, 0);

    /// <summary>Page-aligned boot memory, preferably above the ISA DMA limit.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem_pages")]
    public uint AllocBootmemPages(ulong size) => AllocBootmemCore(size, PageSize, MaxDmaGoal);

    /// <summary>Page-aligned boot memory, searched from physical 0.</summary>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem_low_pages")]
    public uint AllocBootmemLowPages(ulong size) => AllocBootmemCore(size, PageSize, 0);

    /// <summary>Cache-line-aligned boot memory on a node, preferably above the ISA DMA limit.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem_node")]
    public uint AllocBootmemNode(PgData pgdat, ulong size) => AllocBootmemNodeCore(pgdat, size, SmpCacheBytes, MaxDmaGoal);

    /// <summary>Page-aligned boot memory on a node, preferably above the ISA DMA limit.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem_pages_node")]
    public uint AllocBootmemPagesNode(PgData pgdat, ulong size) => AllocBootmemNodeCore(pgdat, size, PageSize, MaxDmaGoal);

    /// <summary>Page-aligned boot memory on a node, searched from its bottom.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="size">Bytes.</param>
    /// <returns>The kernel virtual address.</returns>
    [Linux("include/linux/bootmem.h", "alloc_bootmem_low_pages_node")]
    public uint AllocBootmemLowPagesNode(PgData pgdat, ulong size) => AllocBootmemNodeCore(pgdat, size, PageSize, 0);

    /// <summary>True while the boot allocator is live (between init_bootmem and free_all_bootmem).</summary>
    public bool IsActive => _kernel.Numa.ContigPageData.Bdata.NodeBootmemMap != 0;

    /// <summary>Whether page <paramref name="pfn"/> is marked reserved in the node's bitmap (for checks and figures).</summary>
    /// <param name="pfn">Frame number inside the node.</param>
    public bool IsReserved(uint pfn)
    {
        BootmemData bdata = _kernel.Numa.ContigPageData.Bdata;
        if (bdata.NodeBootmemMap == 0)
            throw new InvalidOperationException("bootmem is not active");
        return BootMap(bdata).TestBit(pfn - (uint)(bdata.NodeBootStart >> PageShift));
    }
}
