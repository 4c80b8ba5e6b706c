using System.Runtime.CompilerServices;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/slab.c, fourth part: taking objects from slabs and giving them back, through the per-CPU
// arrays; kmalloc and kfree on top.
public sealed partial class Slab
{
    // The STATS counters: each is a no-op unless STATS (CONFIG_DEBUG_SLAB) is on.

    [Linux("mm/slab.c", "STATS_INC_ACTIVE")]
    private void StatsIncActive(KmemCache x) { if (Stats) x.NumActive++; }

    [Linux("mm/slab.c", "STATS_DEC_ACTIVE")]
    private void StatsDecActive(KmemCache x) { if (Stats) x.NumActive--; }

    [Linux("mm/slab.c", "STATS_INC_ALLOCED")]
    private void StatsIncAlloced(KmemCache x) { if (Stats) x.NumAllocations++; }

    [Linux("mm/slab.c", "STATS_INC_GROWN")]
    private void StatsIncGrown(KmemCache x) { if (Stats) x.Grown++; }

    [Linux("mm/slab.c", "STATS_INC_REAPED")]
    private void StatsIncReaped(KmemCache x) { if (Stats) x.Reaped++; }

    [Linux("mm/slab.c", "STATS_SET_HIGH")]
    private void StatsSetHigh(KmemCache x) { if (Stats && x.NumActive > x.HighMark) x.HighMark = x.NumActive; }

    [Linux("mm/slab.c", "STATS_INC_ALLOCHIT")]
    private void StatsIncAllochit(KmemCache x) { if (Stats) x.Allochit++; }

    [Linux("mm/slab.c", "STATS_INC_ALLOCMISS")]
    private void StatsIncAllocmiss(KmemCache x) { if (Stats) x.Allocmiss++; }

    [Linux("mm/slab.c", "STATS_INC_FREEHIT")]
    private void StatsIncFreehit(KmemCache x) { if (Stats) x.Freehit++; }

    [Linux("mm/slab.c", "STATS_INC_FREEMISS")]
    private void StatsIncFreemiss(KmemCache x) { if (Stats) x.Freemiss++; }

    /// <summary>
    /// DEBUG: checks that <paramref name="objp"/> is the start of an object of
    /// <paramref name="slabp"/> and is not already on its free chain (a double free).
    /// </summary>
    [Linux("mm/slab.c", "kmem_extra_free_checks")]
    private int KmemExtraFreeChecks(KmemCache cachep, SlabT slabp, uint objp)
    {
        uint objnr = (objp - slabp.SMem) / cachep.Objsize;

        if (objnr >= cachep.Num)
            throw new KernelPanicException("objnr >= cachep->num", "kmem_extra_free_checks");
        if (objp != slabp.SMem + objnr * cachep.Objsize)
            throw new KernelPanicException("objp != slabp->s_mem + objnr*cachep->objsize", "kmem_extra_free_checks");

        // A free object is on the chain: finding it there means it is being freed twice.
        for (uint i = slabp.Free; i != BufctlEnd; i = slabp.Bufctl[i])
        {
            if (i == objnr)
                throw new KernelPanicException("double free: objnr is on the slab's free list", "kmem_extra_free_checks");
        }
        return 0;
    }

    /// <summary>A DMA request must go to a DMA cache and a normal one to a normal cache.</summary>
    [Linux("mm/slab.c", "kmem_cache_alloc_head")]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KmemCacheAllocHead(KmemCache cachep, uint flags)
    {
        if ((flags & SlabFlags.Dma) != 0)
        {
            if ((cachep.Gfpflags & Gfp.GfpDma) == 0)
                throw new KernelPanicException("SLAB_DMA allocation from a non-DMA cache", "kmem_cache_alloc_head");
        }
        else
        {
            if ((cachep.Gfpflags & Gfp.GfpDma) != 0)
                throw new KernelPanicException("non-DMA allocation from a DMA cache", "kmem_cache_alloc_head");
        }
    }

    /// <summary>
    /// Takes the first free object of <paramref name="slabp"/> (the cache lock is held), moving
    /// the slab to slabs_full when it was the last; with DEBUG checks the poison and flips the
    /// red zones to "allocated".
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_alloc_one_tail")]
    private uint KmemCacheAllocOneTail(KmemCache cachep, SlabT slabp)
    {
        StatsIncAlloced(cachep);
        StatsIncActive(cachep);
        StatsSetHigh(cachep);

        // #region take
        slabp.Inuse++;
        uint objp = slabp.SMem + slabp.Free * cachep.Objsize;
        slabp.Free = slabp.Bufctl[slabp.Free];

        if (slabp.Free == BufctlEnd)
        {
            slabp.List.Del();
            cachep.SlabsFull.Add(slabp.List);
        }
        // #endregion
        if (Debug)
        {
            if ((cachep.Flags & SlabFlags.Poison) != 0 && KmemCheckPoisonObj(cachep, objp) != 0)
                throw new KernelPanicException("kmem_check_poison_obj(cachep, objp): free object was written to", "kmem_cache_alloc_one_tail");
            if ((cachep.Flags & SlabFlags.RedZone) != 0)
            {
                if (Xchg(objp, RedMagic2) != RedMagic1)
                    throw new KernelPanicException("xchg(objp, RED_MAGIC2) != RED_MAGIC1", "kmem_cache_alloc_one_tail");
                if (Xchg(objp + cachep.Objsize - BytesPerWord, RedMagic2) != RedMagic1)
                    throw new KernelPanicException("xchg(objp + objsize - BYTES_PER_WORD, RED_MAGIC2) != RED_MAGIC1", "kmem_cache_alloc_one_tail");
                objp += BytesPerWord;
            }
        }
        return objp;
    }

    /// <summary>
    /// With the cache lock held: an object from the first partial slab, else from the first
    /// free slab (which becomes partial); 0 when the cache has no free object and must grow.
    /// </summary>
    /// <remarks>Port note: in C this is a macro that jumps to the caller's <c>alloc_new_slab</c>
    /// label; here it returns 0 and the caller goes there.</remarks>
    [Linux("mm/slab.c", "kmem_cache_alloc_one")]
    private uint KmemCacheAllocOne(KmemCache cachep)
    {
        var slabsPartial = cachep.SlabsPartial;
        var entry = slabsPartial.Next;
        if (entry == slabsPartial)
        {
            var slabsFree = cachep.SlabsFree;
            entry = slabsFree.Next;
            if (entry == slabsFree)
                return 0;
            entry.Del();
            slabsPartial.Add(entry);
        }

        SlabT slabp = entry.Entry<SlabT>();
        return KmemCacheAllocOneTail(cachep, slabp);
    }

    /// <summary>
    /// Refills the empty per-CPU array <paramref name="cc"/> with up to batchcount objects from
    /// the slabs, under the cache lock, and hands out the last one; 0 when the slabs had none.
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_alloc_batch")]
    private uint KmemCacheAllocBatch(KmemCache cachep, CpuCache cc, uint flags)
    {
        uint batchcount = cachep.Batchcount;

        cachep.Spinlock.Lock();
        while (batchcount-- != 0)
        {
            var slabsPartial = cachep.SlabsPartial;
            var entry = slabsPartial.Next;
            if (entry == slabsPartial)
            {
                var slabsFree = cachep.SlabsFree;
                entry = slabsFree.Next;
                if (entry == slabsFree)
                    break;
                entry.Del();
                slabsPartial.Add(entry);
            }

            SlabT slabp = entry.Entry<SlabT>();
            cc.Entry[cc.Avail++] = KmemCacheAllocOneTail(cachep, slabp);
        }
        cachep.Spinlock.Unlock();

        if (cc.Avail != 0)
            return cc.Entry[--cc.Avail];
        return 0;
    }

    /// <summary>
    /// The allocation path: the executing CPU's array if the cache has one (refilled in a batch
    /// when empty), else straight from the slabs under the lock; when the slabs are out of
    /// objects, grow the cache by one slab and try again. 0 when growing fails.
    /// </summary>
    [Linux("mm/slab.c", "__kmem_cache_alloc")]
    private uint KmemCacheAllocCore(KmemCache cachep, uint flags)
    {
        uint objp;

        KmemCacheAllocHead(cachep, flags);
    tryAgain:
        // Port note: local_irq_save/restore have nothing to do; the simulation has no interrupts.
        CpuCache? cc = CcData(cachep);
        if (cc is not null)
        {
            if (cc.Avail != 0)
            {
                StatsIncAllochit(cachep);
                objp = cc.Entry[--cc.Avail];
            }
            else
            {
                StatsIncAllocmiss(cachep);
                objp = KmemCacheAllocBatch(cachep, cc, flags);
                if (objp == 0)
                    goto allocNewSlab;
            }
        }
        else
        {
            cachep.Spinlock.Lock();
            objp = KmemCacheAllocOne(cachep);
            cachep.Spinlock.Unlock();
            if (objp == 0)
                goto allocNewSlab;
        }
        return objp;
    allocNewSlab:
        // Another CPU may take the new slab's objects first; then we simply grow again.
        if (KmemCacheGrow(cachep, flags) != 0)
            goto tryAgain;
        return 0;
    }

    /// <summary>
    /// DEBUG: the page of a freed pointer must be inside mem_map and belong to the slab allocator.
    /// </summary>
    [Linux("mm/slab.c", "CHECK_PAGE")]
    [Linux("mm/slab.c", "CHECK_NR")]
    private void CheckPage(uint objp)
    {
        if (!Debug)
            return;
        ulong pfn = _kernel.Pa(objp) >> PageConstants.PageShift;
        if (pfn >= _kernel.Memory.MaxMapnr)
        {
            _kernel.Printk($"kfree: out of range ptr {objp:x}h.");
            throw new KernelPanicException("!VALID_PAGE(page)", "kfree");
        }
        if (!PageFlags.PageSlab(_kernel.Memory.MemMap[pfn]))
        {
            _kernel.Printk($"kfree: bad ptr {objp:x}h.");
            throw new KernelPanicException("!PageSlab(page)", "kfree");
        }
    }

    // virt_to_page for a pointer handed to a free routine. Port note: C trusts the pointer;
    // an address outside mem_map would make C# throw an index error, so it panics instead.
    private Page ObjectPage(uint objp, string where)
    {
        ulong pfn = _kernel.Pa(objp) >> PageConstants.PageShift;
        if (pfn >= (ulong)_kernel.Memory.MemMap.Length)
            throw new KernelPanicException("virt_to_page(objp) outside mem_map", where);
        return _kernel.Memory.MemMap[pfn];
    }

    /// <summary>
    /// Gives an object back to its slab (cache lock held): with DEBUG, verifies it first (red
    /// zones, poison, double free); links it at the head of the free chain and moves the slab to
    /// slabs_free or slabs_partial when its state changed.
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_free_one")]
    private void KmemCacheFreeOne(KmemCache cachep, uint objp)
    {
        CheckPage(objp);
        // Port note: a null slab here is a pointer into a page the slab allocator does not own;
        // the C would follow garbage, the simulation stops.
        SlabT slabp = GetPageSlab(ObjectPage(objp, "kmem_cache_free_one"))
            ?? throw new KernelPanicException("GET_PAGE_SLAB(virt_to_page(objp)) is not a slab", "kmem_cache_free_one");

        if (Debug)
        {
            // Let the constructor verify that the object is back in its constructed state.
            if ((cachep.Flags & SlabFlags.DebugInitial) != 0)
                cachep.Ctor!(objp, cachep, SlabFlags.CtorConstructor | SlabFlags.CtorVerify);

            if ((cachep.Flags & SlabFlags.RedZone) != 0)
            {
                objp -= BytesPerWord;
                // A wrong word means a write before the object, or a second free.
                if (Xchg(objp, RedMagic1) != RedMagic2)
                    throw new KernelPanicException("xchg(objp, RED_MAGIC1) != RED_MAGIC2: write before object or double free", "kmem_cache_free_one");
                // A wrong word means a write past the object, or a second free.
                if (Xchg(objp + cachep.Objsize - BytesPerWord, RedMagic1) != RedMagic2)
                    throw new KernelPanicException("xchg(objp + objsize - BYTES_PER_WORD, RED_MAGIC1) != RED_MAGIC2: write past object or double free", "kmem_cache_free_one");
            }
            if ((cachep.Flags & SlabFlags.Poison) != 0)
                KmemPoisonObj(cachep, objp);
            if (KmemExtraFreeChecks(cachep, slabp, objp) != 0)
                return;
        }
        // #region link
        {
            uint objnr = (objp - slabp.SMem) / cachep.Objsize;

            slabp.Bufctl[objnr] = slabp.Free;
            slabp.Free = objnr;
        }
        // #endregion
        StatsDecActive(cachep);

        // #region fixup
        {
            uint inuse = slabp.Inuse;
            if (--slabp.Inuse == 0)
            {
                // It was partial or full; now nothing in it is allocated.
                slabp.List.Del();
                cachep.SlabsFree.Add(slabp.List);
            }
            else if (inuse == cachep.Num)
            {
                // It was full.
                slabp.List.Del();
                cachep.SlabsPartial.Add(slabp.List);
            }
        }
        // #endregion
    }

    /// <summary>Gives <paramref name="len"/> objects back to their slabs; the cache lock is held.</summary>
    /// <remarks>Port note: C passes a pointer into the array; here the array and a start index.</remarks>
    [Linux("mm/slab.c", "__free_block")]
    private void FreeBlockCore(KmemCache cachep, uint[] objpp, int start, int len)
    {
        for (; len > 0; len--, start++)
            KmemCacheFreeOne(cachep, objpp[start]);
    }

    /// <summary>Gives <paramref name="len"/> objects back to their slabs, taking the cache lock.</summary>
    [Linux("mm/slab.c", "free_block")]
    private void FreeBlock(KmemCache cachep, uint[] objpp, int start, int len)
    {
        cachep.Spinlock.Lock();
        FreeBlockCore(cachep, objpp, start, len);
        cachep.Spinlock.Unlock();
    }

    /// <summary>
    /// The free path: into the executing CPU's array if there is room; if it is full, first
    /// send batchcount objects from it back to the slabs. Without an array, straight to the slab.
    /// </summary>
    [Linux("mm/slab.c", "__kmem_cache_free")]
    private void KmemCacheFreeCore(KmemCache cachep, uint objp)
    {
        CpuCache? cc = CcData(cachep);

        CheckPage(objp);
        if (cc is not null)
        {
            if (cc.Avail < cc.Limit)
            {
                StatsIncFreehit(cachep);
                cc.Entry[cc.Avail++] = objp;
                return;
            }
            StatsIncFreemiss(cachep);
            uint batchcount = cachep.Batchcount;
            cc.Avail -= batchcount;
            FreeBlock(cachep, cc.Entry, (int)cc.Avail, (int)batchcount);
            cc.Entry[cc.Avail++] = objp;
        }
        else
        {
            FreeBlock(cachep, [objp], 0, 1);
        }
    }

    /// <summary>Allocates an object from <paramref name="cachep"/>; <paramref name="flags"/> matter only if a slab must be added.</summary>
    /// <param name="cachep">The cache.</param>
    /// <param name="flags">SLAB_KERNEL, SLAB_ATOMIC, ... (plus SLAB_DMA for a DMA cache, SLAB_NO_GROW to forbid growing).</param>
    /// <returns>The object's kernel virtual address, or 0.</returns>
    [Linux("mm/slab.c", "kmem_cache_alloc")]
    public uint KmemCacheAlloc(KmemCache cachep, uint flags) => KmemCacheAllocCore(cachep, flags);

    /// <summary>
    /// Allocates <paramref name="size"/> bytes from the smallest general cache that holds them
    /// (the DMA twin when GFP_DMA is set); 0 above 128 KiB or when memory runs out.
    /// </summary>
    /// <param name="size">Bytes wanted.</param>
    /// <param name="flags">GFP_KERNEL, GFP_ATOMIC, ... optionally with GFP_DMA.</param>
    /// <returns>The kernel virtual address, or 0.</returns>
    [Linux("mm/slab.c", "kmalloc")]
    public uint Kmalloc(uint size, uint flags)
    {
        for (int i = 0; CacheSizes[i].CsSize != 0; i++)
        {
            CacheSizesT csizep = CacheSizes[i];
            if (size > csizep.CsSize)
                continue;
            return KmemCacheAllocCore((flags & Gfp.GfpDma) != 0 ? csizep.CsDmacachep! : csizep.CsCachep!, flags);
        }
        return 0;
    }

    /// <summary>Frees an object that was allocated from <paramref name="cachep"/>.</summary>
    /// <param name="cachep">The cache it came from.</param>
    /// <param name="objp">The object's address.</param>
    [Linux("mm/slab.c", "kmem_cache_free")]
    public void KmemCacheFree(KmemCache cachep, uint objp)
    {
        if (Debug)
        {
            CheckPage(objp);
            if (cachep != GetPageCache(_kernel.VirtToPage(objp)))
                throw new KernelPanicException("cachep != GET_PAGE_CACHE(virt_to_page(objp))", "kmem_cache_free");
        }

        KmemCacheFreeCore(cachep, objp);
    }

    /// <summary>Frees memory from kmalloc, finding its cache through the page; kfree(0) does nothing.</summary>
    /// <param name="objp">The address kmalloc returned, or 0.</param>
    [Linux("mm/slab.c", "kfree")]
    public void Kfree(uint objp)
    {
        if (objp == 0)
            return;
        CheckPage(objp);
        // Port note: a page with no cache is not slab memory; the C would follow garbage.
        KmemCache c = GetPageCache(ObjectPage(objp, "kfree"))
            ?? throw new KernelPanicException("GET_PAGE_CACHE(virt_to_page(objp)) is not a cache", "kfree");
        KmemCacheFreeCore(c, objp);
    }

    /// <summary>The usable size of the cache's objects (objsize without red zones).</summary>
    /// <param name="cachep">The cache.</param>
    /// <returns>Bytes.</returns>
    [Linux("mm/slab.c", "kmem_cache_size")]
    public uint KmemCacheSize(KmemCache cachep)
    {
        if (Debug && (cachep.Flags & SlabFlags.RedZone) != 0)
            return cachep.Objsize - 2 * BytesPerWord;
        return cachep.Objsize;
    }

    /// <summary>The general cache kmalloc would use for <paramref name="size"/> bytes (its DMA twin with GFP_DMA); null above 128 KiB.</summary>
    /// <param name="size">Bytes.</param>
    /// <param name="gfpflags">GFP flags; only GFP_DMA matters.</param>
    /// <returns>The cache, or null.</returns>
    [Linux("mm/slab.c", "kmem_find_general_cachep")]
    public KmemCache? KmemFindGeneralCachep(uint size, uint gfpflags)
    {
        int i = 0;
        for (; CacheSizes[i].CsSize != 0; i++)
        {
            if (size > CacheSizes[i].CsSize)
                continue;
            break;
        }
        CacheSizesT csizep = CacheSizes[i];
        return (gfpflags & Gfp.GfpDma) != 0 ? csizep.CsDmacachep : csizep.CsCachep;
    }
}
