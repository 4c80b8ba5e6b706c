using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Include;

/// <summary>Constants of include/linux/mmzone.h.</summary>
public static class MmZone
{
    /// <summary>Number of buddy orders: blocks of 2^0 .. 2^9 pages.</summary>
    [Linux("include/linux/mmzone.h", "MAX_ORDER")] public const int MaxOrder = 10;
    /// <summary>Index of the zone for ISA DMA (below 16 MiB).</summary>
    [Linux("include/linux/mmzone.h", "ZONE_DMA")] public const int ZoneDma = 0;
    /// <summary>Index of the directly mapped zone (16 MiB to 896 MiB on i386).</summary>
    [Linux("include/linux/mmzone.h", "ZONE_NORMAL")] public const int ZoneNormal = 1;
    /// <summary>Index of the zone above the direct map.</summary>
    [Linux("include/linux/mmzone.h", "ZONE_HIGHMEM")] public const int ZoneHighMem = 2;
    /// <summary>Number of zones per node.</summary>
    [Linux("include/linux/mmzone.h", "MAX_NR_ZONES")] public const int MaxNrZones = 3;
    /// <summary>The bits of a gfp mask that choose a zonelist.</summary>
    [Linux("include/linux/mmzone.h", "GFP_ZONEMASK")] public const int GfpZoneMask = 0x0f;
    /// <summary>Nodes on a non-NUMA machine.</summary>
    [Linux("include/linux/mmzone.h", "MAX_NR_NODES")] public const int MaxNrNodes = 1;
}

/// <summary>One buddy order's free list and the bitmap of buddy pairs, <c>free_area_t</c>.</summary>
[Linux("include/linux/mmzone.h", "free_area_t")]
public sealed class FreeArea
{
    /// <summary>Free blocks of this order, linked through the first page's <see cref="Page.List"/>.</summary>
    [Linux("include/linux/mmzone.h", "free_area_t.free_list")]
    public ListHead FreeList { get; } = new();

    /// <summary>One bit per pair of buddies: set when exactly one of the pair is free. Null for the highest order.</summary>
    [Linux("include/linux/mmzone.h", "free_area_t.map")]
    public Bitmap? Map { get; set; }
}

/// <summary>A memory zone, <c>zone_t</c>: a range of a node's pages with its own buddy allocator and watermarks.</summary>
[Linux("include/linux/mmzone.h", "zone_t")]
public sealed class Zone
{
    /// <summary>Creates zone <paramref name="index"/> of <paramref name="pgdat"/>, empty until free_area_init_core sizes it.</summary>
    /// <param name="pgdat">The node that owns the zone.</param>
    /// <param name="index">ZONE_DMA, ZONE_NORMAL or ZONE_HIGHMEM.</param>
    public Zone(PgData pgdat, int index)
    {
        ZonePgdat = pgdat;
        Index = index;
        for (int order = 0; order < FreeArea.Length; order++)
            FreeArea[order] = new FreeArea();
    }

    /// <summary>Position of the zone in its node's <c>node_zones</c> array (what C gets by pointer subtraction).</summary>
    public int Index { get; }

    /// <summary>Protects the free lists and counters.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.lock")]
    public SpinLock Lock { get; } = new("zone->lock");

    /// <summary>Pages currently free in this zone.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.free_pages")]
    public uint FreePages;

    /// <summary>Below this many free pages only emergency (PF_MEMALLOC) allocations succeed.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.pages_min")]
    public uint PagesMin;

    /// <summary>Below this many free pages an allocation wakes kswapd.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.pages_low")]
    public uint PagesLow;

    /// <summary>kswapd stops balancing the zone above this many free pages.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.pages_high")]
    public uint PagesHigh;

    /// <summary>Set when the zone fell below its watermark and kswapd should balance it.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.need_balance")]
    public int NeedBalance;

    /// <summary>One free area per order, 0 to MAX_ORDER-1.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.free_area")]
    public FreeArea[] FreeArea { get; } = new FreeArea[MmZone.MaxOrder];

    /// <summary>Hashed wait queues for tasks waiting on a page of this zone (sized by free_area_init_core).</summary>
    [Linux("include/linux/mmzone.h", "zone_t.wait_table")]
    public WaitQueueHead[] WaitTable { get; set; } = [];

    /// <summary>Number of entries in <see cref="WaitTable"/>, a power of two.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.wait_table_size")]
    public uint WaitTableSize;

    /// <summary>Shift that turns a page's hash into a wait_table index.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.wait_table_shift")]
    public int WaitTableShift;

    /// <summary>The node that owns the zone.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.zone_pgdat")]
    public PgData ZonePgdat { get; }

    /// <summary>Index in mem_map of the zone's first page (C keeps a pointer to it).</summary>
    [Linux("include/linux/mmzone.h", "zone_t.zone_mem_map")]
    public int ZoneMemMap;

    /// <summary>Physical address of the zone's first page.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.zone_start_paddr")]
    public ulong ZoneStartPaddr;

    /// <summary>Index in mem_map of the zone's first page, relative to the whole map.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.zone_start_mapnr")]
    public uint ZoneStartMapnr;

    /// <summary>"DMA", "Normal" or "HighMem".</summary>
    [Linux("include/linux/mmzone.h", "zone_t.name")]
    public string Name { get; set; } = "";

    /// <summary>Pages spanned by the zone, holes included.</summary>
    [Linux("include/linux/mmzone.h", "zone_t.size")]
    public uint Size;

    /// <inheritdoc/>
    public override string ToString() => $"zone {Name}: {FreePages} free of {Size}";
}

/// <summary>An ordered list of zones to try for one kind of allocation, <c>zonelist_t</c>.</summary>
[Linux("include/linux/mmzone.h", "zonelist_t")]
public sealed class Zonelist
{
    /// <summary>Zones in preference order, ending with null (the C array is NULL-terminated).</summary>
    [Linux("include/linux/mmzone.h", "zonelist_t.zones")]
    public Zone?[] Zones { get; } = new Zone?[MmZone.MaxNrZones + 1];
}

/// <summary>A memory node, <c>pg_data_t</c>. A PC has one: <c>contig_page_data</c>.</summary>
[Linux("include/linux/mmzone.h", "pg_data_t")]
public sealed class PgData
{
    /// <summary>Creates node <paramref name="nodeId"/> with its three (still empty) zones and zonelists.</summary>
    /// <param name="nodeId">The node number.</param>
    public PgData(int nodeId)
    {
        NodeId = nodeId;
        for (int i = 0; i < NodeZones.Length; i++)
            NodeZones[i] = new Zone(this, i);
        for (int i = 0; i < NodeZonelists.Length; i++)
            NodeZonelists[i] = new Zonelist();
    }

    /// <summary>The node's zones: DMA, Normal, HighMem.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_zones")]
    public Zone[] NodeZones { get; } = new Zone[MmZone.MaxNrZones];

    /// <summary>One zonelist per value of the gfp mask's zone bits.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_zonelists")]
    public Zonelist[] NodeZonelists { get; } = new Zonelist[MmZone.GfpZoneMask + 1];

    /// <summary>Number of zones that hold pages.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.nr_zones")]
    public int NrZones;

    /// <summary>Index in mem_map of the node's first page (C keeps a pointer).</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_mem_map")]
    public int NodeMemMap;

    /// <summary>Bitmap of valid addresses, used by discontiguous memory only.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.valid_addr_bitmap")]
    public Bitmap? ValidAddrBitmap { get; set; }

    /// <summary>The boot-memory allocator's state for this node.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.bdata")]
    public BootmemData Bdata { get; } = new();

    /// <summary>Physical address where the node starts.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_start_paddr")]
    public ulong NodeStartPaddr;

    /// <summary>Index in mem_map of the node's first page.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_start_mapnr")]
    public uint NodeStartMapnr;

    /// <summary>Pages spanned by the node.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_size")]
    public uint NodeSize;

    /// <summary>The node number.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_id")]
    public int NodeId { get; }

    /// <summary>Next node on pgdat_list.</summary>
    [Linux("include/linux/mmzone.h", "pg_data_t.node_next")]
    public PgData? NodeNext { get; set; }
}

/// <summary>Per-node state of the boot-memory allocator, <c>bootmem_data_t</c> (include/linux/bootmem.h).</summary>
[Linux("include/linux/bootmem.h", "bootmem_data_t")]
public sealed class BootmemData
{
    /// <summary>Physical address of the first page the bitmap describes.</summary>
    [Linux("include/linux/bootmem.h", "bootmem_data_t.node_boot_start")]
    public ulong NodeBootStart;

    /// <summary>Frame number just past the last low-memory page the bitmap describes.</summary>
    [Linux("include/linux/bootmem.h", "bootmem_data_t.node_low_pfn")]
    public uint NodeLowPfn;

    /// <summary>Kernel virtual address of the bitmap (one bit per page, set = reserved); it lives in simulated memory.</summary>
    [Linux("include/linux/bootmem.h", "bootmem_data_t.node_bootmem_map")]
    public uint NodeBootmemMap;

    /// <summary>Byte offset in the last page handed out, for packing small allocations.</summary>
    [Linux("include/linux/bootmem.h", "bootmem_data_t.last_offset")]
    public uint LastOffset;

    /// <summary>Page index (from node_boot_start) of the last allocation.</summary>
    [Linux("include/linux/bootmem.h", "bootmem_data_t.last_pos")]
    public uint LastPos;
}
