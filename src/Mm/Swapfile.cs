using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

/// <summary>
/// mm/swapfile.c: the swap areas (swap_info), allocating and freeing swap slots, counting their
/// users, swapon and swapoff.
/// </summary>
/// <remarks>
/// Not ported yet. The kernel creates this object up front, with no swap area: total_swap_pages
/// is 0 and so is nr_swap_pages (mm/page_alloc.c). A pte gets a swap entry only from swap_out in
/// mm/vmscan.c, which is not ported either, so the functions that take an entry report the
/// missing port if one ever reaches them. The swap port replaces the bodies.
/// </remarks>
public sealed class Swapfile
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Swapfile(Kernel kernel) => _kernel = kernel;

    /// <summary>Swap slots in all the swap areas switched on (0: no swap).</summary>
    [Linux("mm/swapfile.c", "total_swap_pages")]
    public int TotalSwapPages { get; private set; }

    /// <summary>
    /// Fills the swap figures of <c>struct sysinfo</c>: free and total swap, each counting the
    /// slots of an area being switched off as still there.
    /// </summary>
    /// <param name="val">The structure to fill.</param>
    /// <remarks>Port note: swap_info is not ported and holds no area, so there are no slots
    /// waiting to be unused and both figures are the bare counters.</remarks>
    [Linux("mm/swapfile.c", "si_swapinfo")]
    public void SiSwapinfo(SysInfo val)
    {
        val.FreeSwap = (uint)_kernel.PageAlloc.NrSwapPages;
        val.TotalSwap = (uint)TotalSwapPages;
    }

    /// <summary>
    /// May a write fault reuse <paramref name="page"/> (locked by the caller) in place instead of
    /// copying it? Yes when the faulting mapping holds the only reference and the page is not
    /// reserved (the zero page is).
    /// </summary>
    /// <param name="page">The locked page.</param>
    /// <remarks>Port note: 2.4 also says yes for a page whose other reference is the swap
    /// cache's (page count 2, or 3 with buffers) when no other process holds its swap slot
    /// (exclusive_swap_page). No page is in the swap cache before the swap port, so those counts
    /// answer no, as they do here.</remarks>
    [Linux("mm/swapfile.c", "can_share_swap_page")]
    public bool CanShareSwapPage(Page page)
    {
        KernelPanicException.BugOn(!PageFlags.PageLocked(page), "!PageLocked(page)", "can_share_swap_page");
        return PageFlags.PageCount(page) == 1 && !PageFlags.PageReserved(page);
    }

    /// <summary>One more pte refers to swap slot <paramref name="entry"/> (fork copying a swapped-out pte); 1 on success.</summary>
    /// <param name="entry">The swap entry.</param>
    /// <exception cref="NotSupportedException">Always, until swap is ported (no pte can hold an entry before then).</exception>
    [Linux("mm/swapfile.c", "swap_duplicate")]
    public int SwapDuplicate(SwpEntry entry) => throw NoSwap("swap_duplicate", entry);

    /// <summary>A pte holding <paramref name="entry"/> is unmapped: one user of the slot fewer, and the swap-cache page goes with the last.</summary>
    /// <param name="entry">The swap entry.</param>
    /// <exception cref="NotSupportedException">Always, until swap is ported (no pte can hold an entry before then).</exception>
    [Linux("mm/swapfile.c", "free_swap_and_cache")]
    public void FreeSwapAndCache(SwpEntry entry) => throw NoSwap("free_swap_and_cache", entry);

    /// <summary>The error for code that meets a swap entry before swap is ported.</summary>
    /// <param name="function">The kernel function that met it.</param>
    /// <param name="entry">The entry.</param>
    internal static NotSupportedException NoSwap(string function, SwpEntry entry) =>
        new($"{function}: {entry} reached, but swap is not ported yet " +
            "(swap entries are written only by swap_out in mm/vmscan.c, which arrives with the reclaim port)");
}
