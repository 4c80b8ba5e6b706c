namespace LinuxVm.Mm.Include;

/// <summary>
/// One physical page frame's descriptor, <c>struct page</c> from include/linux/mm.h. The array of
/// them is <c>mem_map</c>; a page's position in it is its frame number relative to the map.
/// </summary>
/// <remarks>
/// Port note: C finds a page's index by subtracting pointers (<c>page - mem_map</c>). A C# object
/// has no address, so each descriptor records <see cref="MapNr"/>, its index in <c>mem_map</c>,
/// when <c>free_area_init_core</c> builds the map.
/// </remarks>
[Linux("include/linux/mm.h", "struct page")]
public sealed class Page
{
    /// <summary>Creates the descriptor for entry <paramref name="mapNr"/> of mem_map.</summary>
    /// <param name="mapNr">Index of this descriptor in mem_map.</param>
    public Page(int mapNr)
    {
        MapNr = mapNr;
        List = new ListHead(this);
    }

    /// <summary>Index of this descriptor in <c>mem_map</c> (what C computes as <c>page - mem_map</c>).</summary>
    public int MapNr { get; }

    /// <summary>Links the page on a list chosen by its owner: a buddy free list, a slab's page list, a mapping's page list.</summary>
    [Linux("include/linux/mm.h", "page.list")]
    public ListHead List { get; }

    /// <summary>The address_space (inode or swap cache) the page belongs to, or null.</summary>
    [Linux("include/linux/mm.h", "page.mapping")]
    public Fs.AddressSpace? Mapping { get; set; }

    /// <summary>Offset of the page within its mapping; the buddy allocator does not use it.</summary>
    [Linux("include/linux/mm.h", "page.index")]
    public uint Index { get; set; }

    /// <summary>Next page in the same page-cache hash bucket.</summary>
    [Linux("include/linux/mm.h", "page.next_hash")]
    public Page? NextHash { get; set; }

    /// <summary>The link that points at this page in its hash chain: a bucket of the page hash
    /// table, or the previous page's <see cref="NextHash"/>; null while the page is not hashed.</summary>
    [Linux("include/linux/mm.h", "page.pprev_hash")]
    public PageHashSlot? PprevHash { get; set; }

    /// <summary>Reference count; zero means the page is free (in the buddy allocator).</summary>
    [Linux("include/linux/mm.h", "page.count")]
    public int Count;

    /// <summary>The <c>PG_*</c> bits in the low bits; the page's zone number in the top 8 bits (<see cref="PageFlags.ZoneShift"/>).</summary>
    [Linux("include/linux/mm.h", "page.flags")]
    public uint Flags;

    /// <summary>Links the page on the active or inactive LRU list.</summary>
    /// <remarks>Port note: created on first use. Most pages of a freshly booted machine never reach
    /// an LRU list, and a 4 GiB machine would otherwise carry a million idle list nodes.</remarks>
    [Linux("include/linux/mm.h", "page.lru")]
    public ListHead Lru => _lru ??= new ListHead(this);

    private ListHead? _lru;

    /// <summary>The kernel virtual address the page is mapped at; 0 for a high-memory page that is not kmapped.</summary>
    [Linux("include/linux/mm.h", "page.virtual")]
    public uint Virtual { get; set; }

    /// <summary>Bytes of a <c>struct page</c> on i386 with CONFIG_HIGHMEM (ten 4-byte words, two of them list heads).</summary>
    /// <remarks>Used wherever the kernel sizes an allocation by <c>sizeof(struct page)</c>, such as mem_map in bootmem.</remarks>
    public const int SizeOf = 48;

    /// <inheritdoc/>
    public override string ToString() => $"page {MapNr} count={Count} flags=0x{Flags:x}";
}

/// <summary>
/// A <c>struct page **</c> into a page-cache hash chain: bucket <paramref name="Bucket"/> of the
/// hash table, or the <c>next_hash</c> field of the page <paramref name="Prev"/>.
/// </summary>
/// <remarks>Port note: C stores the address of the pointer; the slot names its owner instead.</remarks>
/// <param name="Table">The hash table, when <paramref name="Prev"/> is null.</param>
/// <param name="Bucket">The bucket index in <paramref name="Table"/>.</param>
/// <param name="Prev">The page whose next_hash this is, or null for a bucket.</param>
public readonly record struct PageHashSlot(Page?[]? Table, int Bucket, Page? Prev)
{
    /// <summary>The next_hash field of <paramref name="page"/>.</summary>
    /// <param name="page">The page.</param>
    public static PageHashSlot After(Page page) => new(null, 0, page);

    /// <summary>The page the slot points at.</summary>
    public Page? Get() => Prev != null ? Prev.NextHash : Table![Bucket];

    /// <summary>Makes the slot point at <paramref name="page"/>.</summary>
    /// <param name="page">The page, or null.</param>
    public void Set(Page? page)
    {
        if (Prev != null)
            Prev.NextHash = page;
        else
            Table![Bucket] = page;
    }
}

/// <summary>The page flag bits of include/linux/mm.h and the inline helpers that test and change them.</summary>
public static class PageFlags
{
    /// <summary>Page is locked for I/O.</summary>
    [Linux("include/linux/mm.h", "PG_locked")] public const int Locked = 0;
    /// <summary>An I/O error occurred on the page.</summary>
    [Linux("include/linux/mm.h", "PG_error")] public const int Error = 1;
    /// <summary>Page was referenced recently (second chance on the LRU).</summary>
    [Linux("include/linux/mm.h", "PG_referenced")] public const int Referenced = 2;
    /// <summary>Contents are valid.</summary>
    [Linux("include/linux/mm.h", "PG_uptodate")] public const int Uptodate = 3;
    /// <summary>Contents must be written back before the page is reused.</summary>
    [Linux("include/linux/mm.h", "PG_dirty")] public const int Dirty = 4;
    /// <summary>Unused bit.</summary>
    [Linux("include/linux/mm.h", "PG_unused")] public const int Unused = 5;
    /// <summary>Page is on an LRU list.</summary>
    [Linux("include/linux/mm.h", "PG_lru")] public const int Lru = 6;
    /// <summary>Page is on the active list rather than the inactive list.</summary>
    [Linux("include/linux/mm.h", "PG_active")] public const int Active = 7;
    /// <summary>Page belongs to the slab allocator.</summary>
    [Linux("include/linux/mm.h", "PG_slab")] public const int Slab = 8;
    /// <summary>Page is a hole in the memory map (unused on i386).</summary>
    [Linux("include/linux/mm.h", "PG_skip")] public const int Skip = 10;
    /// <summary>Page is in ZONE_HIGHMEM and has no permanent kernel mapping.</summary>
    [Linux("include/linux/mm.h", "PG_highmem")] public const int HighMem = 11;
    /// <summary>Used by filesystems.</summary>
    [Linux("include/linux/mm.h", "PG_checked")] public const int Checked = 12;
    /// <summary>Architecture-specific state (i386 does not use it).</summary>
    [Linux("include/linux/mm.h", "PG_arch_1")] public const int Arch1 = 13;
    /// <summary>Page is reserved: never freed to, or allocated from, the buddy allocator.</summary>
    [Linux("include/linux/mm.h", "PG_reserved")] public const int Reserved = 14;
    /// <summary>Page is being written out by the VM.</summary>
    [Linux("include/linux/mm.h", "PG_launder")] public const int Launder = 15;

    /// <summary>Where the zone number starts in <see cref="Page.Flags"/>: the top 8 of 32 bits.</summary>
    [Linux("include/linux/mm.h", "ZONE_SHIFT")] public const int ZoneShift = 32 - 8;

    /// <summary>True when bit <paramref name="bit"/> is set in the page's flags.</summary>
    /// <param name="page">The page.</param>
    /// <param name="bit">A PG_* bit number.</param>
    public static bool Test(Page page, int bit) => (page.Flags & (1u << bit)) != 0;

    /// <summary>Sets bit <paramref name="bit"/> of the page's flags.</summary>
    /// <param name="page">The page.</param>
    /// <param name="bit">A PG_* bit number.</param>
    public static void Set(Page page, int bit) => page.Flags |= 1u << bit;

    /// <summary>Clears bit <paramref name="bit"/> of the page's flags.</summary>
    /// <param name="page">The page.</param>
    /// <param name="bit">A PG_* bit number.</param>
    public static void Clear(Page page, int bit) => page.Flags &= ~(1u << bit);

    /// <summary>Clears bit <paramref name="bit"/> and returns whether it was set.</summary>
    /// <param name="page">The page.</param>
    /// <param name="bit">A PG_* bit number.</param>
    public static bool TestAndClear(Page page, int bit)
    {
        bool was = Test(page, bit);
        Clear(page, bit);
        return was;
    }

    /// <summary>Sets bit <paramref name="bit"/> and returns whether it was already set.</summary>
    /// <param name="page">The page.</param>
    /// <param name="bit">A PG_* bit number.</param>
    public static bool TestAndSet(Page page, int bit)
    {
        bool was = Test(page, bit);
        Set(page, bit);
        return was;
    }

    /// <summary>Is the page reserved?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageReserved")] public static bool PageReserved(Page page) => Test(page, Reserved);
    /// <summary>Marks the page reserved.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "SetPageReserved")] public static void SetPageReserved(Page page) => Set(page, Reserved);
    /// <summary>Clears the reserved mark.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "ClearPageReserved")] public static void ClearPageReserved(Page page) => Clear(page, Reserved);
    /// <summary>Does the page belong to the slab allocator?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageSlab")] public static bool PageSlab(Page page) => Test(page, Slab);
    /// <summary>Marks the page as a slab page.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageSetSlab")] public static void PageSetSlab(Page page) => Set(page, Slab);
    /// <summary>Clears the slab mark.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageClearSlab")] public static void PageClearSlab(Page page) => Clear(page, Slab);
    /// <summary>Is the page a high-memory page?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageHighMem")] public static bool PageHighMem(Page page) => Test(page, HighMem);
    /// <summary>Is the page on the LRU?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageLRU")] public static bool PageLru(Page page) => Test(page, Lru);
    /// <summary>Is the page on the active list?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageActive")] public static bool PageActive(Page page) => Test(page, Active);
    /// <summary>Is the page dirty?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageDirty")] public static bool PageDirty(Page page) => Test(page, Dirty);
    /// <summary>Is the page locked?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageLocked")] public static bool PageLocked(Page page) => Test(page, Locked);
    /// <summary>Are the page's contents valid?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "Page_Uptodate")] public static bool PageUptodate(Page page) => Test(page, Uptodate);
    /// <summary>Marks the page's contents valid.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "SetPageUptodate")] public static void SetPageUptodate(Page page) => Set(page, Uptodate);
    /// <summary>Marks the page's contents no longer valid.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "ClearPageUptodate")] public static void ClearPageUptodate(Page page) => Clear(page, Uptodate);
    /// <summary>Clears the page's dirty bit.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "ClearPageDirty")] public static void ClearPageDirty(Page page) => Clear(page, Dirty);

    /// <summary>The page's reference count.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "page_count")] public static int PageCount(Page page) => page.Count;
    /// <summary>Sets the page's reference count.</summary>
    /// <param name="page">The page.</param>
    /// <param name="v">The new count.</param>
    [Linux("include/linux/mm.h", "set_page_count")] public static void SetPageCount(Page page, int v) => page.Count = v;
    /// <summary>Takes a reference on the page.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "get_page")] public static void GetPage(Page page) => page.Count++;
    /// <summary>Drops a reference and returns true when it was the last one.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "put_page_testzero")] public static bool PutPageTestZero(Page page) => --page.Count == 0;

    /// <summary>The zone number stored in the top bits of the page's flags.</summary>
    /// <param name="page">The page.</param>
    public static int ZoneNumber(Page page) => (int)(page.Flags >> ZoneShift);

    /// <summary>Stores zone number <paramref name="zoneNum"/> in the top bits of the page's flags.</summary>
    /// <param name="page">The page.</param>
    /// <param name="zoneNum">Index into zone_table.</param>
    [Linux("include/linux/mm.h", "set_page_zone")]
    public static void SetPageZone(Page page, int zoneNum)
    {
        page.Flags &= ~(~0u << ZoneShift);
        page.Flags |= (uint)zoneNum << ZoneShift;
    }
}
