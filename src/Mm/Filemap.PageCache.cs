using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;
using static LinuxVm.Mm.Include.PageFlags;

namespace LinuxVm.Mm;

// mm/filemap.c, the page cache itself (from add_page_to_hash_queue to add_to_page_cache_unique):
// a page enters the hash table and its mapping's clean list, and leaves both again;
// set_page_dirty moves it to the dirty list; truncation takes a file's pages from an offset on out
// of the cache; a hash chain is walked for (mapping, index); and a new page is inserted locked.
// The invalidation and writeback functions and the other two insertions of this stretch of the C
// are not ported yet.
public sealed partial class Filemap
{
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

    // Asks the page's mapping to start the I/O the waiter is waiting for.
    [Linux("mm/filemap.c", "sync_page")]
    private static int SyncPage(Page page)
    {
        // Port note: none of the ported address_space_operations tables has a sync_page method
        // (it kicks the block device's request queue), so there is nothing to call yet.
        _ = page;
        return 0;
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
}
