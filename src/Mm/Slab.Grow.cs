using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/slab.c, third part: adding a slab to a cache.
public sealed partial class Slab
{
    /// <summary>
    /// Places the descriptor of a new slab whose pages start at <paramref name="objp"/>:
    /// off-slab it is an object of the slabp cache; on-slab it sits after the colour offset and
    /// the objects start after it (rounded to an L1 line). Returns null when off-slab memory runs out.
    /// </summary>
    /// <remarks>
    /// <code>
    /// on-slab:   objp |colour| slab_t + num bufctls, L1-aligned |obj 0|obj 1|...|left-over|
    ///                        ^ slabp                            ^ s_mem = objp + colouroff
    /// off-slab:  objp |colour|obj 0|obj 1|...|left-over|      slab_t in slabp_cache
    ///                        ^ s_mem = objp + colouroff
    /// </code>
    /// </remarks>
    [Linux("mm/slab.c", "kmem_cache_slabmgmt")]
    private SlabT? KmemCacheSlabmgmt(KmemCache cachep, uint objp, uint colourOff, uint localFlags)
    {
        SlabT slabp;

        if (OffSlab(cachep))
        {
            uint addr = KmemCacheAlloc(cachep.SlabpCache!, localFlags);
            if (addr == 0)
                return null;
            slabp = new SlabT(addr, cachep.Num);
        }
        else
        {
            slabp = new SlabT(objp + colourOff, cachep.Num);
            colourOff += L1CacheAlign(cachep.Num * SizeofKmemBufctlT + SizeofSlabT);
        }
        slabp.Inuse = 0;
        slabp.Colouroff = colourOff;
        slabp.SMem = objp + colourOff;

        return slabp;
    }

    /// <summary>
    /// Runs the constructor on every object of a new slab (with DEBUG: writes the red zones and
    /// the poison) and threads all objects onto the free chain 0, 1, ..., num - 1.
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_init_objs")]
    private void KmemCacheInitObjs(KmemCache cachep, SlabT slabp, uint ctorFlags)
    {
        uint i;

        for (i = 0; i < cachep.Num; i++)
        {
            uint objp = slabp.SMem + cachep.Objsize * i;
            bool redZone = Debug && (cachep.Flags & SlabFlags.RedZone) != 0;
            if (redZone)
            {
                WriteWord(objp, RedMagic1);
                WriteWord(objp + cachep.Objsize - BytesPerWord, RedMagic1);
                objp += BytesPerWord;
            }

            // A constructor must not allocate from its own cache: the cache is growing.
            cachep.Ctor?.Invoke(objp, cachep, ctorFlags);

            if (Debug)
            {
                if (redZone)
                    objp -= BytesPerWord;
                if ((cachep.Flags & SlabFlags.Poison) != 0)
                    KmemPoisonObj(cachep, objp);
                if (redZone)
                {
                    if (ReadWord(objp) != RedMagic1)
                        throw new KernelPanicException("*objp != RED_MAGIC1", "kmem_cache_init_objs");
                    if (ReadWord(objp + cachep.Objsize - BytesPerWord) != RedMagic1)
                        throw new KernelPanicException("*(objp + objsize - BYTES_PER_WORD) != RED_MAGIC1", "kmem_cache_init_objs");
                }
            }
            slabp.Bufctl[i] = i + 1;
        }
        slabp.Bufctl[i - 1] = BufctlEnd;
        slabp.Free = 0;
    }

    /// <summary>
    /// Adds one slab to <paramref name="cachep"/>: picks its colour, takes pages, places the
    /// descriptor, marks the pages as belonging to this cache and slab, builds the objects, and
    /// puts the slab on slabs_free. Returns 1, or 0 when memory (or permission to grow) is lacking.
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_grow")]
    private int KmemCacheGrow(KmemCache cachep, uint flags)
    {
        SlabT? slabp;
        uint objp, offset, i, localFlags, ctorFlags;

        // Flags are validated here rather than on the fast path of kmem_cache_alloc.
        if ((flags & ~(SlabFlags.Dma | SlabFlags.LevelMask | SlabFlags.NoGrow)) != 0)
            throw new KernelPanicException("flags & ~(SLAB_DMA|SLAB_LEVEL_MASK|SLAB_NO_GROW)", "kmem_cache_grow");
        if ((flags & SlabFlags.NoGrow) != 0)
            return 0;

        // Port note: the check that interrupt context passes SLAB_ATOMIC is left out, because
        // in_interrupt() is always false in the simulation.
        ctorFlags = SlabFlags.CtorConstructor;
        localFlags = flags & SlabFlags.LevelMask;
        if (localFlags == SlabFlags.Atomic)
            ctorFlags |= SlabFlags.CtorAtomic;

        cachep.Spinlock.Lock();

        // #region colour
        // The new slab takes the next colour; colours wrap round after cachep.colour of them.
        offset = cachep.ColourNext;
        cachep.ColourNext++;
        if (cachep.ColourNext >= cachep.Colour)
            cachep.ColourNext = 0;
        offset *= cachep.ColourOff;
        // #endregion
        cachep.Dflags |= DflgsGrown;

        cachep.Growing++;
        cachep.Spinlock.Unlock();

        // Neither lock is held from here; growing > 0 keeps shrink and reap away.
        objp = KmemGetpages(cachep, flags);
        if (objp == 0)
            goto failed;

        slabp = KmemCacheSlabmgmt(cachep, objp, offset, localFlags);
        if (slabp is null)
            goto opps1;

        // Every page of the slab points back to its cache and slab, for kfree and kmem_cache_free.
        i = 1u << (int)cachep.Gfporder;
        int mapNr = _kernel.VirtToPage(objp).MapNr;
        do
        {
            Page page = _kernel.Memory.MemMap[mapNr++];
            SetPageCache(page, cachep);
            SetPageSlab(page, slabp);
            PageFlags.PageSetSlab(page);
        } while (--i != 0);

        KmemCacheInitObjs(cachep, slabp, ctorFlags);

        cachep.Spinlock.Lock();
        cachep.Growing--;

        cachep.SlabsFree.AddTail(slabp.List);
        StatsIncGrown(cachep);
        cachep.Failures = 0;

        cachep.Spinlock.Unlock();
        return 1;
    opps1:
        KmemFreepages(cachep, objp);
    failed:
        cachep.Spinlock.Lock();
        cachep.Growing--;
        cachep.Spinlock.Unlock();
        return 0;
    }
}
