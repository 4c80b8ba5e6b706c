using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// Where the fault path meets code that is ported later (the hooks carry no [Linux] tags: the
// ports that fill them own those names): the LRU lists (mm/swap.c), the page cache
// (mm/filemap.c) and the swap cache (mm/swap_state.c, mm/swapfile.c). Each hook is the kernel
// function named in its attribute; until its owner installs the real one, the default does what
// 2.4 does for a page that was never in the page cache or the swap cache, which is every page a
// process can have before those ports land.
public sealed partial class Memory
{
    /// <summary>
    /// mm/swap.c lru_cache_add(page): puts a new user page on the inactive list so that reclaim
    /// can find it. Null until the LRU is ported: the page is simply not on any list (and so
    /// reclaim, which is not there either, cannot take it).
    /// </summary>
    public Action<Page>? LruCacheAdd { get; set; }

    /// <summary>
    /// mm/filemap.c mark_page_accessed(page): ages a page up. Until the LRU is ported the default
    /// sets PG_referenced, the half of the function that does not need the lists.
    /// </summary>
    public Action<Page> MarkPageAccessed { get; set; } = page => PageFlags.Set(page, PageFlags.Referenced);

    /// <summary>
    /// mm/filemap.c set_page_dirty(page): marks a page dirty and, for a page-cache page, moves it
    /// to its mapping's dirty list. The default sets PG_dirty, all that a page without a mapping
    /// (anonymous memory) needs; <see cref="Kernel.Filemap"/> installs the whole function when the
    /// page cache is first used.
    /// </summary>
    public Action<Page> SetPageDirty { get; set; } = page => PageFlags.Set(page, PageFlags.Dirty);

    /// <summary>
    /// mm/swapfile.c can_share_swap_page(page): may a write fault reuse this (locked) page in place
    /// instead of copying it? The default is the function with no swap cache: only when the mapping
    /// that faults holds the one and only reference, and the page is not reserved (the zero page is).
    /// The swap port replaces it with the whole function, which also accepts a page whose only other
    /// reference is the swap cache's when no other process holds its swap entry.
    /// </summary>
    public Func<Page, bool> CanShareSwapPage { get; set; } = DefaultCanShareSwapPage;

    private static bool DefaultCanShareSwapPage(Page page)
    {
        KernelPanicException.BugOn(!PageFlags.PageLocked(page), "!PageLocked(page)", "can_share_swap_page");
        // Counts 2 and 3 need the swap cache to be shareable; without it they are not.
        return PageFlags.PageCount(page) == 1 && !PageFlags.PageReserved(page);
    }

    /// <summary>
    /// mm/swap_state.c free_page_and_swap_cache(page): drops a mapping's reference to a page, and
    /// its swap-cache copy if that was the last user. Without the swap cache the default is
    /// page_cache_release.
    /// </summary>
    public Action<Page>? FreePageAndSwapCache { get; set; }

    /// <summary>
    /// mm/swapfile.c swap_duplicate(entry): one more pte refers to a swap slot (fork copying a
    /// swapped-out pte). Null until swap is ported, when no pte can hold a swap entry.
    /// </summary>
    public Func<uint, int>? SwapDuplicate { get; set; }

    /// <summary>
    /// mm/swapfile.c free_swap_and_cache(entry): a pte holding a swap entry is unmapped. Null until
    /// swap is ported.
    /// </summary>
    public Action<uint>? FreeSwapAndCache { get; set; }

    /// <summary>
    /// The swap-in fault, installed by the swap port (mm/memory.c do_swap_page needs the swap cache
    /// of mm/swap_state.c). Arguments: mm, vma, address, page_table, orig_pte, write_access; returns
    /// what do_swap_page returns, with the page-table lock released.
    /// </summary>
    public Func<MmStruct, VmAreaStruct, uint, Arch.PtePtr, Arch.Pte, int, int>? SwapInFault { get; set; }

    private static NotSupportedException NoSwap(string function) =>
        new($"{function}: a page-table entry holds a swap entry, but swap is not ported yet " +
            "(swap entries are written only by swap_out in mm/vmscan.c, which arrives with the reclaim port)");
}
