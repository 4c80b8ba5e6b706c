using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/filemap.c, lookups that pin what they find (from __find_get_page to grab_cache_page_nowait):
// a cached page is returned with a reference, or with a reference and its lock, in which case the
// page is checked again after any sleep for the lock. find_trylock_page, find_or_create_page and
// grab_cache_page_nowait, also of this part, are not ported yet.
public sealed partial class Filemap
{
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
}
