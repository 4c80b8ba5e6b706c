using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/numa.c for a machine without CONFIG_DISCONTIGMEM (every PC): the one node
/// descriptor, <c>contig_page_data</c>, and the node-aware entry points that on such a machine
/// simply forward to the ordinary allocator.
/// </summary>
/// <remarks>
/// Port note: the CONFIG_DISCONTIGMEM half of the file (show_free_areas_node, the NUMA
/// free_area_init_node, alloc_pages_pgdat and the round-robin _alloc_pages) is not compiled for
/// i386 and is not ported; _alloc_pages lives in page_alloc.c for this configuration.
/// </remarks>
public sealed partial class Numa
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Numa(Kernel kernel)
    {
        _kernel = kernel;
        ContigPageData = new PgData(0);
    }

    /// <summary>Number of memory nodes: 1 on a uniform-memory machine.</summary>
    [Linux("mm/numa.c", "numnodes")]
    public int Numnodes { get; set; } = 1;

    /// <summary>The boot allocator state of the single node (embedded in <see cref="ContigPageData"/>).</summary>
    [Linux("mm/numa.c", "contig_bootmem_data")]
    public BootmemData ContigBootmemData => ContigPageData.Bdata;

    /// <summary>The descriptor of the machine's only node; its bdata is <see cref="ContigBootmemData"/>.</summary>
    [Linux("mm/numa.c", "contig_page_data")]
    public PgData ContigPageData { get; }

    /// <summary>
    /// Initialises the node's zones for an architecture whose RAM does not start at physical 0;
    /// without DISCONTIGMEM every request goes to node 0 and mem_map, whatever node is named.
    /// </summary>
    /// <param name="nid">Node number (ignored: always 0).</param>
    /// <param name="pgdat">Node descriptor (ignored: always contig_page_data).</param>
    /// <param name="pmap">Kernel virtual address of a ready mem_map, or 0 to take one from bootmem.</param>
    /// <param name="zonesSize">Pages per zone.</param>
    /// <param name="zoneStartPaddr">Physical address of the node's first page.</param>
    /// <param name="zholesSize">Pages of holes per zone, or null.</param>
    [Linux("mm/numa.c", "free_area_init_node")]
    public void FreeAreaInitNode(int nid, PgData pgdat, uint pmap, uint[] zonesSize, ulong zoneStartPaddr, uint[]? zholesSize)
    {
        _ = nid;
        _ = pgdat;
        _kernel.PageAlloc.FreeAreaInitCore(0, ContigPageData, zonesSize, zoneStartPaddr, zholesSize, pmap);
    }

    /// <summary>Allocates 2^<paramref name="order"/> pages "on node <paramref name="nid"/>"; without CONFIG_NUMA that is any node, so this is alloc_pages.</summary>
    /// <param name="nid">Node number (ignored).</param>
    /// <param name="gfpMask">GFP flags.</param>
    /// <param name="order">log2 of the number of pages.</param>
    /// <returns>The first page of the block, or null.</returns>
    [Linux("mm/numa.c", "alloc_pages_node")]
    public Page? AllocPagesNode(int nid, uint gfpMask, int order)
    {
        _ = nid;
        return _kernel.PageAlloc.AllocPages(gfpMask, order);
    }
}
