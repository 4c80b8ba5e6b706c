using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>
/// mm/swap_state.c: the swap cache, the address space (swapper_space) whose pages are copies of
/// swap slots, indexed by swap entry.
/// </summary>
/// <remarks>
/// Not ported yet. The kernel creates this object up front; swapper_space exists and stays empty,
/// so the page cache counts and /proc/meminfo's SwapCached read 0, and the callers of
/// free_page_and_swap_cache already call it here. The swap port replaces the bodies.
/// </remarks>
public sealed class SwapState
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public SwapState(Kernel kernel) => _kernel = kernel;

    /// <summary>The swap cache's address space; a page is in the swap cache when its mapping is this.</summary>
    /// <remarks>Port note: its a_ops (swap_aops: swap_writepage, block_sync_page) arrive with the
    /// swap port; nothing writes a swap-cache page before then.</remarks>
    [Linux("mm/swap_state.c", "swapper_space")]
    public AddressSpace SwapperSpace { get; } = new();

    /// <summary>Is <paramref name="page"/> in the swap cache?</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/mm.h", "PageSwapCache")]
    public bool PageSwapCache(Page page) => page.Mapping == SwapperSpace;

    /// <summary>
    /// Drops a mapping's reference to <paramref name="page"/> (a pte going away while
    /// page_table_lock is held); when the page is in the swap cache and nobody else uses the swap
    /// slot, the swap cache lets go of it too.
    /// </summary>
    /// <param name="page">The page.</param>
    /// <remarks>Port note: no page enters the swap cache before the swap port, so the swap-cache
    /// half (remove_exclusive_swap_page under the page lock) never applies yet and only
    /// page_cache_release is left.</remarks>
    [Linux("mm/swap_state.c", "free_page_and_swap_cache")]
    public void FreePageAndSwapCache(Page page) => _kernel.Filemap.PageCacheRelease(page);
}
