using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/slab.c, sixth part: giving free slabs back when the page allocator is short of memory.
public sealed partial class Slab
{
    /// <summary>
    /// Reclaims pages from the slab caches for the page allocator: scans up to REAP_SCANLEN
    /// caches from where the last scan stopped, skipping caches that are marked SLAB_NO_REAP, growing, or
    /// grew since the last scan (that mark is cleared), emptying the executing CPU's array of each
    /// cache scanned, and picks the cache with the most free pages (discounted by a fifth for a
    /// constructor and again for slabs above order 0). A cache worth REAP_PERFECT pages ends
    /// the scan at once. Half the chosen cache's free slabs (rounded up) are destroyed.
    /// </summary>
    /// <param name="gfpMask">The caller's GFP mask: without __GFP_WAIT the reaper gives up if the chain is busy.</param>
    /// <returns>Pages given back to the buddy allocator.</returns>
    [Linux("mm/slab.c", "kmem_cache_reap")]
    public int KmemCacheReap(uint gfpMask)
    {
        SlabT slabp;
        KmemCache searchp;
        KmemCache? bestCachep;
        uint bestPages;
        uint bestLen;
        uint scan;
        int ret = 0;

        if ((gfpMask & Gfp.Wait) != 0)
            _cacheChainSem.Down();
        else if (_cacheChainSem.DownTrylock() != 0)
            return 0;

        // #region scan
        scan = ReapScanlen;
        bestLen = 0;
        bestPages = 0;
        bestCachep = null;
        searchp = ClockSearchp;
        do
        {
            uint pages;
            uint fullFree;

            // The flags never change after creation, so they are read without the lock.
            if ((searchp.Flags & SlabFlags.NoReap) != 0)
                goto next;
            searchp.Spinlock.Lock();
            if (searchp.Growing != 0)
                goto nextUnlock;
            if ((searchp.Dflags & DflgsGrown) != 0)
            {
                // Recently grown: likely to need its free slabs soon. Spare it this once.
                searchp.Dflags &= ~DflgsGrown;
                goto nextUnlock;
            }
            {
                CpuCache? cc = CcData(searchp);
                if (cc is not null && cc.Avail != 0)
                {
                    FreeBlockCore(searchp, cc.Entry, 0, (int)cc.Avail);
                    cc.Avail = 0;
                }
            }

            fullFree = 0;
            for (var p = searchp.SlabsFree.Next; p != searchp.SlabsFree; p = p.Next)
            {
                slabp = p.Entry<SlabT>();
                if (Debug && slabp.Inuse != 0)
                    throw new KernelPanicException("slabp->inuse", "kmem_cache_reap");
                fullFree++;
            }

            // Prefer caches without constructors (rebuilding objects costs) and with order-0
            // slabs (high orders are hard to get back from the buddy allocator).
            pages = fullFree * (1u << (int)searchp.Gfporder);
            if (searchp.Ctor is not null)
                pages = (pages * 4 + 1) / 5;
            if (searchp.Gfporder != 0)
                pages = (pages * 4 + 1) / 5;
            if (pages > bestPages)
            {
                bestCachep = searchp;
                bestLen = fullFree;
                bestPages = pages;
                if (pages >= ReapPerfect)
                {
                    ClockSearchp = searchp.Next.Next.Entry<KmemCache>();
                    goto perfect;
                }
            }
        nextUnlock:
            searchp.Spinlock.Unlock();
        next:
            searchp = searchp.Next.Next.Entry<KmemCache>();
        } while (--scan != 0 && searchp != ClockSearchp);

        ClockSearchp = searchp;

        if (bestCachep is null)
            goto @out;

        bestCachep.Spinlock.Lock();
        // #endregion
    perfect:
        // #region release
        // Release only half of the free slabs, the oldest (tail) first.
        bestLen = (bestLen + 1) / 2;
        for (scan = 0; scan < bestLen; scan++)
        {
            if (bestCachep.Growing != 0)
                break;
            var p = bestCachep.SlabsFree.Prev;
            if (p == bestCachep.SlabsFree)
                break;
            slabp = p.Entry<SlabT>();
            if (Debug && slabp.Inuse != 0)
                throw new KernelPanicException("slabp->inuse", "kmem_cache_reap");
            slabp.List.Del();
            StatsIncReaped(bestCachep);

            // Unlinked, so the lock can be dropped while the slab is torn down.
            bestCachep.Spinlock.Unlock();
            KmemSlabDestroy(bestCachep, slabp);
            bestCachep.Spinlock.Lock();
        }
        bestCachep.Spinlock.Unlock();
        ret = (int)(scan * (1u << (int)bestCachep.Gfporder));
        // #endregion
    @out:
        _cacheChainSem.Up();
        return ret;
    }
}
