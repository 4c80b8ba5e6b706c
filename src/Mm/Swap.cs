using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>
/// mm/swap.c: the LRU lists that reclaim scans (adding a page, taking it off, moving it to the
/// active list) and swap_setup.
/// </summary>
/// <remarks>
/// Not ported yet. The kernel creates this object up front and its callers (the fault handlers,
/// the page cache, the allocator) already call it where 2.4 does; the LRU port replaces the
/// bodies. Until then no page is on an LRU list, so nr_active_pages and nr_inactive_pages stay 0.
/// </remarks>
public sealed class Swap
{
    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Swap(Kernel kernel) => ArgumentNullException.ThrowIfNull(kernel);

    /// <summary>Moves a page that is on the inactive list to the active list.</summary>
    /// <param name="page">The page.</param>
    /// <remarks>Port note: does nothing yet. 2.4 moves only a page that is on the LRU and not
    /// active, and <see cref="LruCacheAdd"/> puts no page on the LRU before the port.</remarks>
    [Linux("mm/swap.c", "activate_page")]
    public void ActivatePage(Page page) => ArgumentNullException.ThrowIfNull(page);

    /// <summary>Puts a new page (a fresh anonymous page, a page just added to the page cache) on the inactive list.</summary>
    /// <param name="page">The page.</param>
    /// <remarks>Port note: does nothing yet: the page goes on no list, and reclaim, which would
    /// scan the lists, is not ported either.</remarks>
    [Linux("mm/swap.c", "lru_cache_add")]
    public void LruCacheAdd(Page page) => ArgumentNullException.ThrowIfNull(page);

    /// <summary>Takes a page off whichever LRU list it is on.</summary>
    /// <param name="page">The page.</param>
    /// <exception cref="KernelPanicException">The page carries PG_lru.</exception>
    /// <remarks>Port note: nothing sets PG_lru before <see cref="LruCacheAdd"/> is ported, so a
    /// page that has it is on no list and unlinking it would corrupt the lists: that is reported
    /// as a kernel bug. A page without PG_lru is left alone, as in 2.4.</remarks>
    [Linux("mm/swap.c", "lru_cache_del")]
    public void LruCacheDel(Page page)
    {
        KernelPanicException.BugOn(PageFlags.PageLru(page), "PageLRU(page)", "lru_cache_del");
    }
}
