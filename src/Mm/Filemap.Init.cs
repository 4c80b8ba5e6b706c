using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

// mm/filemap.c, the last part: page_cache_init, which sizes and allocates the page hash table at
// boot.
public sealed partial class Filemap
{
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
