using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;
using static LinuxVm.Mm.Include.PageConstants;
using static LinuxVm.Mm.Include.PageFlags;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/filemap.c, its page-cache core: every page that holds part of a file (here, of
/// a shmem file) is found through one global hash table keyed by (mapping, index), sits on one of
/// its mapping's clean, dirty or locked lists, and is counted in <see cref="PageCacheSize"/>.
/// </summary>
/// <remarks>
/// <para>Ported so far, in the C file's order: the hash and inode queues, removal, set_page_dirty,
/// truncation (truncate_partial_page, truncate_complete_page, truncate_list_pages,
/// truncate_inode_pages), lookup (__find_page_nolock, __find_get_page, __find_lock_page and its
/// helper), insertion (__add_to_page_cache, add_to_page_cache), unlock_page and page_cache_init;
/// with the include/linux/pagemap.h helpers they rely on.</para>
/// <para>The rest of the file arrives with the page-cache and reclaim work: reading files
/// (generic_file_read, read-ahead, page_cache_read, filemap_nopage), writing them
/// (generic_file_write), writeback (filemap_fdatasync/fdatawait), invalidation, the swap-cache
/// variants of insertion (add_to_page_cache_locked, add_to_page_cache_unique), msync, madvise,
/// mincore and the page wait queues.</para>
/// </remarks>
public sealed class Filemap
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

    // Pushes the page on the front of its hash chain and counts it in the cache.
    [Linux("mm/filemap.c", "add_page_to_hash_queue")]
    private void AddPageToHashQueue(Page page, PageHashSlot p)
    {
        Page? next = p.Get();
        p.Set(page);
        page.NextHash = next;
        page.PprevHash = p;
        if (next != null)
            next.PprevHash = PageHashSlot.After(page);
        // Port note: page->buffers is not modelled, so PAGE_BUG for a page with buffers cannot fire.
        PageCacheSize++;
    }

    // The page joins its mapping: on the clean list, counted, and pointing back at the mapping.
    [Linux("mm/filemap.c", "add_page_to_inode_queue")]
    private static void AddPageToInodeQueue(AddressSpace mapping, Page page)
    {
        ListHead head = mapping.CleanPages;
        mapping.NrPages++;
        head.Add(page.List);
        page.Mapping = mapping;
    }

    [Linux("mm/filemap.c", "remove_page_from_inode_queue")]
    private static void RemovePageFromInodeQueue(Page page)
    {
        AddressSpace mapping = page.Mapping!;
        mapping.NrPages--;
        page.List.Del();
        page.Mapping = null;
    }

    [Linux("mm/filemap.c", "remove_page_from_hash_queue")]
    private void RemovePageFromHashQueue(Page page)
    {
        Page? next = page.NextHash;
        PageHashSlot pprev = page.PprevHash!.Value;
        if (next != null)
            next.PprevHash = pprev;
        pprev.Set(next);
        page.PprevHash = null;
        PageCacheSize--;
    }

    /// <summary>
    /// Takes a page out of the page cache: off its mapping's list and off its hash chain. The
    /// caller holds pagecache_lock and has the page locked; a dirty page may leave only if it is
    /// in the swap cache.
    /// </summary>
    /// <param name="page">The page.</param>
    /// <remarks>Port note: the swap cache (swapper_space) is not ported, so no page is PageSwapCache.</remarks>
    [Linux("mm/filemap.c", "__remove_inode_page")]
    public void RemoveInodePageCore(Page page)
    {
        if (PageDirty(page))
            throw new KernelPanicException("PageDirty(page) && !PageSwapCache(page)", "__remove_inode_page");
        RemovePageFromInodeQueue(page);
        RemovePageFromHashQueue(page);
    }

    /// <summary><see cref="RemoveInodePageCore"/> under pagecache_lock; the page must be locked.</summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "remove_inode_page")]
    public void RemoveInodePage(Page page)
    {
        if (!PageLocked(page))
            throw new KernelPanicException("!PageLocked(page)", "remove_inode_page");
        PagecacheLock.Lock();
        RemoveInodePageCore(page);
        PagecacheLock.Unlock();
    }

    /// <summary>
    /// Marks a page dirty; a page-cache page that was clean also moves to its mapping's dirty list,
    /// and its inode is told it has dirty pages.
    /// </summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "set_page_dirty")]
    public void SetPageDirty(Page page)
    {
        if (!TestAndSet(page, Dirty))
        {
            AddressSpace? mapping = page.Mapping;
            if (mapping != null)
            {
                PagecacheLock.Lock();
                mapping = page.Mapping;
                if (mapping != null)
                {
                    // Truncation may have taken the page away meanwhile: look again under the lock.
                    page.List.Del();
                    mapping.DirtyPages.Add(page.List);
                }
                PagecacheLock.Unlock();

                if (mapping?.Host is { } host)
                    InodeCache.MarkInodeDirtyPages(host);
            }
        }
    }

    // The page straddles the new end of file: zero its part beyond the end.
    [Linux("mm/filemap.c", "truncate_partial_page")]
    private void TruncatePartialPage(Page page, uint partial)
    {
        // memclear_highpage_flush
        _kernel.Phys.Fill(_kernel.PageToPhys(page) + partial, 0, PageSize - partial);
        // Port note: page->buffers is not modelled, so there are no buffers to flush (do_flushpage).
    }

    // The page lies wholly beyond the new end: off the LRU, out of the cache, and the cache's
    // reference dropped.
    [Linux("mm/filemap.c", "truncate_complete_page")]
    private void TruncateCompletePage(Page page)
    {
        // Port note: with no buffers (not modelled) the page always leaves the LRU.
        if (PageLru(page))
            _kernel.Swap.LruCacheDel(page);

        ClearPageDirty(page);
        ClearPageUptodate(page);
        RemoveInodePage(page);
        PageCacheRelease(page);
    }

    /// <summary>
    /// Truncates the pages of one of a mapping's lists from index <paramref name="start"/> on
    /// (and zeroes the tail of the page before it when <paramref name="partial"/> is set). Walks
    /// from the tail; after each page it drops the lock, so it restarts from the list head.
    /// Returns 1 if it ever dropped pagecache_lock, else 0.
    /// </summary>
    [Linux("mm/filemap.c", "truncate_list_pages")]
    private int TruncateListPages(ListHead head, uint start, ref uint partial)
    {
        int unlocked = 0;
    restart:
        ListHead curr = head.Prev;
        while (curr != head)
        {
            var page = curr.Entry<Page>();
            uint offset = page.Index;

            if (offset >= start || (partial != 0 && offset + 1 == start))
            {
                PageCacheGet(page);
                bool failed = Memory.TryLockPage(page);

                // Move the head next to the page so that the restart resumes here.
                head.Del();
                if (!failed)
                    curr.AddTail(head);   // restart after this page
                else
                    curr.Add(head);       // restart on this page

                PagecacheLock.Unlock();
                unlocked = 1;

                if (!failed)
                {
                    if (partial != 0 && offset + 1 == start)
                    {
                        TruncatePartialPage(page, partial);
                        partial = 0;
                    }
                    else
                        TruncateCompletePage(page);
                    UnlockPage(page);
                }
                else
                {
                    WaitOnPage(page);
                }

                PageCacheRelease(page);
                if (_kernel.Sched.Current.NeedResched != 0)
                {
                    _kernel.Sched.Current.State = Sched.TaskRunning;
                    _kernel.Sched.Schedule();
                }
                PagecacheLock.Lock();
                goto restart;
            }
            curr = curr.Prev;
        }
        return unlocked;
    }

    /// <summary>
    /// Removes from <paramref name="mapping"/> every page at or beyond byte
    /// <paramref name="lstart"/>, zeroing the tail of a page that straddles it. Repeats over the
    /// clean, dirty and locked lists until one pass finds nothing to do.
    /// </summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="lstart">The new end of file in bytes.</param>
    [Linux("mm/filemap.c", "truncate_inode_pages")]
    public void TruncateInodePages(AddressSpace mapping, long lstart)
    {
        uint start = (uint)((lstart + PageSize - 1) >> PageShift);
        uint partial = (uint)(lstart & (PageSize - 1));
        int unlocked;

        PagecacheLock.Lock();
        do
        {
            unlocked = TruncateListPages(mapping.CleanPages, start, ref partial);
            unlocked |= TruncateListPages(mapping.DirtyPages, start, ref partial);
            unlocked |= TruncateListPages(mapping.LockedPages, start, ref partial);
        } while (unlocked != 0);
        PagecacheLock.Unlock();
    }

    // Follows a hash chain from page for the entry of (mapping, offset); null if it is not there.
    [Linux("mm/filemap.c", "__find_page_nolock")]
    private static Page? FindPageNolock(AddressSpace mapping, uint offset, Page? page)
    {
        for (; page != null; page = page.NextHash)
        {
            if (page.Mapping != mapping)
                continue;
            if (page.Index == offset)
                break;
        }
        return page;
    }

    // Enters a page into the cache locked, with a reference for the cache, and with its state
    // bits cleared: not uptodate, no error, clean, unreferenced.
    [Linux("mm/filemap.c", "__add_to_page_cache")]
    private void AddToPageCacheCore(Page page, AddressSpace mapping, uint offset, PageHashSlot hash)
    {
        uint flags = page.Flags & ~(1u << Uptodate | 1u << Error | 1u << Dirty | 1u << Referenced | 1u << Arch1 | 1u << Checked);
        page.Flags = flags | (1u << Locked);
        PageCacheGet(page);
        page.Index = offset;
        AddPageToInodeQueue(mapping, page);
        AddPageToHashQueue(page, hash);
    }

    /// <summary>
    /// Adds <paramref name="page"/> to <paramref name="mapping"/> as page <paramref name="offset"/>:
    /// locked, with the cache's reference taken, and on the LRU.
    /// </summary>
    /// <param name="page">A page not in any cache.</param>
    /// <param name="mapping">The mapping.</param>
    /// <param name="offset">The page's index in the mapping.</param>
    [Linux("mm/filemap.c", "add_to_page_cache")]
    public void AddToPageCache(Page page, AddressSpace mapping, uint offset)
    {
        PagecacheLock.Lock();
        AddToPageCacheCore(page, mapping, offset, PageHash(mapping, offset));
        PagecacheLock.Unlock();
        _kernel.Swap.LruCacheAdd(page);
    }

    // Multiplier of the page-wait hash on 32-bit machines: a prime close to the golden ratio
    // times 2^32, so that neighbouring page descriptors spread over the table.
    [Linux("mm/filemap.c", "GOLDEN_RATIO_PRIME")]
    private const uint GoldenRatioPrime = 0x9e370001;

    /// <summary>
    /// The wait queue for <paramref name="page"/>'s lock: one of its zone's hashed wait table,
    /// chosen by the address of the page descriptor. Pages that collide share a queue, and a
    /// woken waiter checks that its own page is the one unlocked.
    /// </summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "page_waitqueue")]
    public WaitQueueHead PageWaitqueue(Page page)
    {
        Zone zone = _kernel.PageAlloc.PageZone(page);
        uint hash = _kernel.PageAlloc.MemMapVirtual + (uint)page.MapNr * (uint)Page.SizeOf;
        hash = unchecked(hash * GoldenRatioPrime);
        hash >>= zone.WaitTableShift;
        return zone.WaitTable[hash];
    }

    // Asks the page's mapping to start the I/O the waiter is waiting for.
    [Linux("mm/filemap.c", "sync_page")]
    private static int SyncPage(Page page)
    {
        // Port note: none of the ported address_space_operations tables has a sync_page method
        // (it kicks the block device's request queue), so there is nothing to call yet.
        _ = page;
        return 0;
    }

    /// <summary>Sleeps until <paramref name="page"/> is unlocked; the caller holds a reference so it cannot be freed meanwhile.</summary>
    /// <param name="page">A locked page.</param>
    [Linux("mm/filemap.c", "___wait_on_page")]
    public void WaitOnPageCore(Page page)
    {
        WaitQueueHead waitqueue = PageWaitqueue(page);
        TaskStruct tsk = _kernel.Sched.Current;
        var wait = new WaitQueue(tsk);
        waitqueue.Add(wait);
        do
        {
            tsk.State = Sched.TaskUninterruptible;
            if (!PageLocked(page))
                break;
            SyncPage(page);
            _kernel.Sched.Schedule();
        } while (PageLocked(page));
        tsk.State = Sched.TaskRunning;
        waitqueue.Remove(wait);
    }

    /// <summary>Waits for <paramref name="page"/> to be unlocked, if it is locked.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/linux/pagemap.h", "wait_on_page")]
    public void WaitOnPage(Page page)
    {
        if (PageLocked(page))
            WaitOnPageCore(page);
    }

    /// <summary>Unlocks a locked page and wakes every task waiting on its wait queue.</summary>
    /// <param name="page">The page, which must be locked.</param>
    [Linux("mm/filemap.c", "unlock_page")]
    public void UnlockPage(Page page)
    {
        WaitQueueHead waitqueue = PageWaitqueue(page);
        Clear(page, Launder);
        if (!TestAndClear(page, Locked))
            throw new KernelPanicException("!test_and_clear_bit(PG_locked)", "unlock_page");
        // Wake them all: waiters for other pages that hash here check and sleep again.
        if (waitqueue.Active)
            _kernel.Sched.WakeUpAll(waitqueue);
    }

    // Sleeps until the page lock is ours; the waiter queues exclusively so an unlock wakes one
    // locker ahead of the crowd of mere waiters.
    [Linux("mm/filemap.c", "__lock_page")]
    private void LockPageCore(Page page)
    {
        WaitQueueHead waitqueue = PageWaitqueue(page);
        TaskStruct tsk = _kernel.Sched.Current;
        var wait = new WaitQueue(tsk);
        waitqueue.AddExclusive(wait);
        for (;;)
        {
            tsk.State = Sched.TaskUninterruptible;
            if (PageLocked(page))
            {
                SyncPage(page);
                _kernel.Sched.Schedule();
            }
            if (!Memory.TryLockPage(page))
                break;
        }
        tsk.State = Sched.TaskRunning;
        waitqueue.Remove(wait);
    }

    /// <summary>Locks <paramref name="page"/>, sleeping while another task holds the lock.</summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "lock_page")]
    public void LockPage(Page page)
    {
        if (Memory.TryLockPage(page))
            LockPageCore(page);
    }

    /// <summary>Looks up (mapping, offset) on the chain starting at <paramref name="hash"/> and takes a reference; null if absent.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="offset">The page index.</param>
    /// <param name="hash">Its hash bucket.</param>
    [Linux("mm/filemap.c", "__find_get_page")]
    public Page? FindGetPageCore(AddressSpace mapping, uint offset, PageHashSlot hash)
    {
        PagecacheLock.Lock();
        Page? page = FindPageNolock(mapping, offset, hash.Get());
        if (page != null)
            PageCacheGet(page);
        PagecacheLock.Unlock();
        return page;
    }

    // Finds the page, takes a reference and locks it; if it had to wait for the lock it checks
    // the page still is what was asked for. Called and returns with pagecache_lock held.
    [Linux("mm/filemap.c", "__find_lock_page_helper")]
    private Page? FindLockPageHelper(AddressSpace mapping, uint offset, PageHashSlot hash)
    {
        for (;;)   // repeat
        {
            Page? page = FindPageNolock(mapping, offset, hash.Get());
            if (page != null)
            {
                PageCacheGet(page);
                if (Memory.TryLockPage(page))
                {
                    PagecacheLock.Unlock();
                    LockPage(page);
                    PagecacheLock.Lock();
                    // The page may have been truncated and reused while we slept.
                    if (page.Mapping != mapping || page.Index != offset)
                    {
                        UnlockPage(page);
                        PageCacheRelease(page);
                        continue;
                    }
                }
            }
            return page;
        }
    }

    /// <summary>Looks up (mapping, offset), takes a reference and locks the page; null if absent.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="offset">The page index.</param>
    /// <param name="hash">Its hash bucket.</param>
    [Linux("mm/filemap.c", "__find_lock_page")]
    public Page? FindLockPageCore(AddressSpace mapping, uint offset, PageHashSlot hash)
    {
        PagecacheLock.Lock();
        Page? page = FindLockPageHelper(mapping, offset, hash);
        PagecacheLock.Unlock();
        return page;
    }

    /// <summary>
    /// Ages a page up on an access: the first access sets PG_referenced; a second one, while the
    /// page is still inactive, moves it to the active list and starts the count again.
    /// </summary>
    /// <param name="page">The page.</param>
    [Linux("mm/filemap.c", "mark_page_accessed")]
    public void MarkPageAccessed(Page page)
    {
        if (!PageActive(page) && Test(page, Referenced))
        {
            _kernel.Swap.ActivatePage(page);
            Clear(page, Referenced);
        }
        else
            Set(page, Referenced);
    }

    /// <summary>
    /// Allocates the page hash table at boot: one bucket pointer per page of memory, rounded up to
    /// a power-of-two number of pages (halving the request while the allocation fails).
    /// </summary>
    /// <param name="mempages">Pages of physical memory (num_physpages).</param>
    [Linux("mm/filemap.c", "page_cache_init")]
    public void PageCacheInit(uint mempages)
    {
        const uint pointerSize = 4;   // sizeof(struct page *) on i386
        ulong htableSize = (ulong)mempages * pointerSize;
        int order;
        for (order = 0; ((ulong)PageSize << order) < htableSize; order++)
        {
        }

        uint table;
        do
        {
            ulong tmp = ((ulong)PageSize << order) / pointerSize;
            PageHashBits = 0;
            while ((tmp >>= 1) != 0)
                PageHashBits++;
            table = _kernel.PageAlloc.GetFreePages(Gfp.Atomic, order);
        } while (table == 0 && --order > 0);

        _kernel.Printk($"Page-cache hash table entries: {1 << PageHashBits} (order: {order}, {PageSize << order} bytes)");
        if (table == 0)
            throw new KernelPanicException("Failed to allocate page hash table", "page_cache_init");
        PageHashTableAddress = table;
        PageHashTableOrder = order;
        // memset of the buckets
        _kernel.Phys.Fill(_kernel.Pa(table), 0, (uint)(PageHashSize * pointerSize));
        PageHashTable = new Page?[PageHashSize];
    }
}
