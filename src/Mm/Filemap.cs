using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageFlags;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/filemap.c, its page-cache core: every page that holds part of a file (here, of
/// a shmem file) is found through one global hash table keyed by (mapping, index), sits on one of
/// its mapping's clean, dirty or locked lists, and is counted in <see cref="PageCacheSize"/>.
/// </summary>
/// <remarks>
/// <para>The class is split by the parts of the C file, in the C file's order. This file holds the
/// file's globals (page_cache_size, the hash table and pagecache_lock) and the
/// include/linux/pagemap.h helpers the rest is written with. <c>Filemap.PageCache.cs</c> holds the
/// cache itself: the hash and mapping queues, removal, sync_page, set_page_dirty, truncation, the
/// hash-chain walk and insertion. <c>Filemap.PageLock.cs</c> holds the page wait queues and the
/// page lock, <c>Filemap.Lookup.cs</c> the lookups that take a reference or the lock,
/// <c>Filemap.Read.cs</c> the start of the reading part (mark_page_accessed), and
/// <c>Filemap.Init.cs</c> the boot-time page_cache_init.</para>
/// <para>The rest of the file arrives with the page-cache and reclaim work: invalidation
/// (invalidate_inode_pages, invalidate_inode_pages2), writeback (filemap_fdatasync,
/// filemap_fdatawait), the other two insertions (add_to_page_cache_locked,
/// add_to_page_cache_unique), reading pages in for faults and read-ahead (page_cache_read,
/// read_cluster_nonblocking), the other lookups (find_trylock_page, find_or_create_page,
/// grab_cache_page_nowait), read-ahead, reading files (generic_file_read), mapping them
/// (filemap_nopage, generic_file_mmap), msync, madvise, mincore and writing files
/// (generic_file_write).</para>
/// </remarks>
public sealed partial class Filemap
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>; the hash table comes with <see cref="PageCacheInit"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Filemap(Kernel kernel) => _kernel = kernel;

    /// <summary>Pages in the page cache, that is in the hash table.</summary>
    [Linux("mm/filemap.c", "page_cache_size")]
    public uint PageCacheSize { get; private set; }

    /// <summary>log2 of the number of hash buckets.</summary>
    [Linux("mm/filemap.c", "page_hash_bits")]
    public int PageHashBits { get; private set; }

    /// <summary>The hash buckets: each the first page of a chain linked through <see cref="Page.NextHash"/>.</summary>
    /// <remarks>Port note: the kernel keeps the bucket pointers in the pages it allocates in
    /// <see cref="PageCacheInit"/>. A struct page has no address to store in simulated memory, so
    /// the buckets are this array; the pages are still taken (<see cref="PageHashTableAddress"/>),
    /// so the machine has exactly as much free memory as 2.4 leaves.</remarks>
    [Linux("mm/filemap.c", "page_hash_table")]
    public Page?[]? PageHashTable { get; private set; }

    /// <summary>Kernel virtual address of the pages that hold the hash table.</summary>
    public uint PageHashTableAddress { get; private set; }

    /// <summary>The order of the allocation that holds the hash table.</summary>
    public int PageHashTableOrder { get; private set; }

    /// <summary>Guards the hash table and every mapping's page lists.</summary>
    [Linux("mm/filemap.c", "pagecache_lock")]
    public SpinLock PagecacheLock { get; } = new("pagecache_lock");

    /// <summary>Number of hash buckets.</summary>
    [Linux("include/linux/pagemap.h", "PAGE_HASH_SIZE")]
    public int PageHashSize => 1 << PageHashBits;

    // The include/linux/pagemap.h helpers the file's functions are written with.

    /// <summary>
    /// The bucket for page <paramref name="index"/> of <paramref name="mapping"/>: the mapping's
    /// number plus the index, folded once onto itself by the table's width and masked.
    /// </summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="index">The page's index in it.</param>
    /// <remarks>Port note: C divides the mapping's address by the largest power of two that
    /// divides sizeof(struct inode), so neighbouring inodes give neighbouring numbers; the port
    /// uses the mapping's <see cref="AddressSpace.HashKey"/>, a serial number, for that value.</remarks>
    [Linux("include/linux/pagemap.h", "_page_hashfn")]
    public int PageHashfn(AddressSpace mapping, uint index)
    {
        uint x = mapping.HashKey + index;
        return (int)((x + (x >> PageHashBits)) & (uint)(PageHashSize - 1));
    }

    /// <summary>The hash bucket for (<paramref name="mapping"/>, <paramref name="index"/>).</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="index">The page index.</param>
    [Linux("include/linux/pagemap.h", "page_hash")]
    public PageHashSlot PageHash(AddressSpace mapping, uint index) =>
        new(PageHashTable ?? throw new KernelPanicException("page cache used before page_cache_init", "page_hash"),
            PageHashfn(mapping, index), null);

    /// <summary>Takes a reference on a page-cache page.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/pagemap.h", "page_cache_get")]
    public static void PageCacheGet(Page page) => GetPage(page);

    /// <summary>Drops a reference on a page; the last one frees it (it must have left the cache by then).</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/pagemap.h", "page_cache_release")]
    public void PageCacheRelease(Page page) => _kernel.PageAlloc.FreePage(page);

    /// <summary>A fresh page for <paramref name="x"/>, allocated with the mapping's GFP mask; null when there is none.</summary>
    /// <param name="x">The mapping.</param>
    [Linux("include/linux/pagemap.h", "page_cache_alloc")]
    public Page? PageCacheAlloc(AddressSpace x) => _kernel.PageAlloc.AllocPages(x.GfpMask, 0);

    /// <summary>Looks up page <paramref name="index"/> of <paramref name="mapping"/> and takes a reference on it; null if it is not cached.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="index">The page index.</param>
    [Linux("include/linux/pagemap.h", "find_get_page")]
    public Page? FindGetPage(AddressSpace mapping, uint index) =>
        FindGetPageCore(mapping, index, PageHash(mapping, index));

    /// <summary>Looks up page <paramref name="index"/> of <paramref name="mapping"/>, takes a reference and locks it; null if it is not cached.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="index">The page index.</param>
    [Linux("include/linux/pagemap.h", "find_lock_page")]
    public Page? FindLockPage(AddressSpace mapping, uint index) =>
        FindLockPageCore(mapping, index, PageHash(mapping, index));
}
