using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

/// <summary>
/// mm/vmscan.c: page reclaim (shrink_caches, swap_out, refill_inactive) and kswapd, the daemon
/// that keeps every zone above pages_high.
/// </summary>
/// <remarks>
/// Not ported yet. The kernel creates this object up front and the allocator already calls it
/// where 2.4 does, so the reclaim port replaces the bodies below and no caller changes.
/// </remarks>
public sealed class Vmscan
{
    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Vmscan(Kernel kernel) => ArgumentNullException.ThrowIfNull(kernel);

    /// <summary>The queue kswapd sleeps on between rounds; __alloc_pages wakes it.</summary>
    /// <remarks>Port note: kswapd is not ported, so nobody sleeps here yet.</remarks>
    [Linux("mm/vmscan.c", "kswapd_wait")]
    public WaitQueueHead KswapdWait { get; } = new();

    /// <summary>
    /// Frees pages for an allocation that failed on <paramref name="classzone"/>: shrinks the
    /// caches at rising priority until a cluster of pages (SWAP_CLUSTER_MAX) has come back, and
    /// returns 1; if every priority fails it calls the OOM killer and returns 0.
    /// </summary>
    /// <param name="classzone">The zone the allocation was aimed at.</param>
    /// <param name="gfpMask">The allocation's GFP flags.</param>
    /// <remarks>Port note: reclaim is not ported: nothing is freed and 0 is returned, as in 2.4
    /// when the caches give nothing back, but the OOM killer is not called from here yet (the
    /// chapter 1 exercises call <see cref="OomKill.OutOfMemory"/> directly).</remarks>
    [Linux("mm/vmscan.c", "try_to_free_pages_zone")]
    public int TryToFreePagesZone(Zone classzone, uint gfpMask)
    {
        ArgumentNullException.ThrowIfNull(classzone);
        return 0;
    }
}
