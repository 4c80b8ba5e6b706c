using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// Where the allocator meets code that is ported elsewhere. Each hook is null until the subsystem
// that owns the kernel function installs it; while it is null the allocator behaves as 2.4 does
// when that code does nothing useful. Hooks carry no [Linux] tag: the port they stand for does.
public sealed partial class PageAlloc
{
    /// <summary>
    /// mm/vmscan.c try_to_free_pages_zone(classzone, gfp_mask): reclaims pages for an allocation
    /// and returns how many it freed. Null until vmscan is ported: reclaim frees nothing.
    /// </summary>
    public Func<Zone, uint, int>? TryToFreePagesZone { get; set; }

    /// <summary>
    /// Wakes kswapd if it is waiting on kswapd_wait (mm/vmscan.c). Null until kswapd is ported;
    /// <see cref="KswapdWakeups"/> still counts the times the allocator asked.
    /// </summary>
    public Action? WakeupKswapd { get; set; }

    /// <summary>
    /// mm/swap.c lru_cache_del(page): takes a page off the LRU list it is on. Null until the LRU
    /// is ported; then no page can legitimately be on an LRU list, so freeing one is a kernel bug.
    /// </summary>
    public Action<Page>? LruCacheDel { get; set; }

    /// <summary>Times __alloc_pages found every zone below pages_low and asked for kswapd.</summary>
    public int KswapdWakeups { get; private set; }
}
