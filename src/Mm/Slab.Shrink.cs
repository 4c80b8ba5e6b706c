namespace LinuxVm.Mm;

// mm/slab.c, second part: emptying per-CPU arrays, releasing free slabs, destroying a cache.
public sealed partial class Slab
{
    /// <summary>DEBUG: whether <paramref name="cachep"/> is linked on the cache chain (always true without DEBUG).</summary>
    [Linux("mm/slab.c", "is_chained_kmem_cache")]
    private bool IsChainedKmemCache(KmemCache cachep)
    {
        if (!Debug)
            return true;
        bool ret = false;

        _cacheChainSem.Down();
        for (var p = CacheChain.Next; p != CacheChain; p = p.Next)
        {
            if (p == cachep.Next)
            {
                ret = true;
                break;
            }
        }
        _cacheChainSem.Up();
        return ret;
    }

    /// <summary>
    /// Runs <paramref name="func"/> on every CPU and waits for all of them: here first, then on
    /// the others.
    /// </summary>
    /// <remarks>Port note: the kernel sends an inter-processor interrupt to the other CPUs. The
    /// simulation runs the function once per online CPU with <see cref="Kernel.CurrentCpu"/> set
    /// to that CPU, starting with the calling CPU, and then switches back.</remarks>
    [Linux("mm/slab.c", "smp_call_function_all_cpus")]
    private void SmpCallFunctionAllCpus(Action<CcupdateStruct> func, CcupdateStruct arg)
    {
        int self = _kernel.CurrentCpu;
        func(arg);
        try
        {
            for (int cpu = 0; cpu < _kernel.SmpNumCpus; cpu++)
            {
                if (cpu == self)
                    continue;
                _kernel.CurrentCpu = cpu;
                func(arg);
            }
        }
        finally
        {
            _kernel.CurrentCpu = self;
        }
    }

    /// <summary>On the executing CPU: swaps the cache's array for this CPU with the one in the message.</summary>
    [Linux("mm/slab.c", "do_ccupdate_local")]
    private void DoCcupdateLocal(CcupdateStruct @new)
    {
        CpuCache? old = CcData(@new.Cachep);

        SetCcData(@new.Cachep, @new.New[_kernel.CurrentCpu]);
        @new.New[_kernel.CurrentCpu] = old;
    }

    /// <summary>
    /// Empties every CPU's array of <paramref name="cachep"/> back into its slabs: the arrays are
    /// swapped out for none, emptied, then swapped back in.
    /// </summary>
    [Linux("mm/slab.c", "drain_cpu_caches")]
    internal void DrainCpuCaches(KmemCache cachep)
    {
        var @new = new CcupdateStruct(cachep, _nrCpus);

        _cacheChainSem.Down();
        SmpCallFunctionAllCpus(DoCcupdateLocal, @new);

        for (int i = 0; i < _kernel.SmpNumCpus; i++)
        {
            CpuCache? ccold = @new.New[i];
            if (ccold is null || ccold.Avail == 0)
                continue;
            FreeBlock(cachep, ccold.Entry, 0, (int)ccold.Avail);
            ccold.Avail = 0;
        }
        SmpCallFunctionAllCpus(DoCcupdateLocal, @new);
        _cacheChainSem.Up();
    }

    /// <summary>
    /// With the cache lock held: destroys free slabs from the tail of slabs_free until none is
    /// left or the cache starts growing; returns how many slabs went.
    /// </summary>
    [Linux("mm/slab.c", "__kmem_cache_shrink_locked")]
    internal int KmemCacheShrinkLocked(KmemCache cachep)
    {
        int ret = 0;

        while (cachep.Growing == 0)
        {
            var p = cachep.SlabsFree.Prev;
            if (p == cachep.SlabsFree)
                break;

            SlabT slabp = p.Entry<SlabT>();
            if (Debug && slabp.Inuse != 0)
                throw new KernelPanicException("slabp->inuse", "__kmem_cache_shrink_locked");
            slabp.List.Del();

            // The slab is off the lists, so nobody else can reach it while the lock is dropped.
            cachep.Spinlock.Unlock();
            KmemSlabDestroy(cachep, slabp);
            ret++;
            cachep.Spinlock.Lock();
        }
        return ret;
    }

    /// <summary>Drains the per-CPU arrays, then shrinks; returns 1 when objects are still allocated (full or partial slabs remain).</summary>
    [Linux("mm/slab.c", "__kmem_cache_shrink")]
    private int KmemCacheShrinkCore(KmemCache cachep)
    {
        DrainCpuCaches(cachep);

        cachep.Spinlock.Lock();
        KmemCacheShrinkLocked(cachep);
        int ret = !cachep.SlabsFull.IsEmpty || !cachep.SlabsPartial.IsEmpty ? 1 : 0;
        cachep.Spinlock.Unlock();
        return ret;
    }

    /// <summary>
    /// Releases every free slab of <paramref name="cachep"/>; returns the number of pages given
    /// back. Objects parked in the per-CPU arrays keep their slabs (they are not drained).
    /// </summary>
    /// <param name="cachep">A cache on the chain.</param>
    /// <returns>Pages released.</returns>
    [Linux("mm/slab.c", "kmem_cache_shrink")]
    public int KmemCacheShrink(KmemCache cachep)
    {
        if (cachep is null || !IsChainedKmemCache(cachep))
            throw new KernelPanicException("!cachep || in_interrupt() || !is_chained_kmem_cache(cachep)", "kmem_cache_shrink");

        cachep.Spinlock.Lock();
        int ret = KmemCacheShrinkLocked(cachep);
        cachep.Spinlock.Unlock();

        return ret << (int)cachep.Gfporder;
    }

    /// <summary>
    /// Removes a cache: unlinks it, drains and shrinks it, and if no object is still allocated
    /// frees its per-CPU arrays and its descriptor. Returns 0 on success; 1 (cache relinked and
    /// left intact) when objects are still in use.
    /// </summary>
    /// <param name="cachep">The cache; nobody may allocate from it meanwhile.</param>
    /// <returns>0, or 1 when the cache still had objects.</returns>
    [Linux("mm/slab.c", "kmem_cache_destroy")]
    public int KmemCacheDestroy(KmemCache cachep)
    {
        if (cachep is null || cachep.Growing != 0)
            throw new KernelPanicException("!cachep || in_interrupt() || cachep->growing", "kmem_cache_destroy");

        _cacheChainSem.Down();
        // cache_cache is never destroyed, so the chain always has another entry to move to.
        if (ClockSearchp == cachep)
            ClockSearchp = cachep.Next.Next.Entry<KmemCache>();
        cachep.Next.Del();
        _cacheChainSem.Up();

        if (KmemCacheShrinkCore(cachep) != 0)
        {
            _kernel.Printk($"kmem_cache_destroy: Can't free all objects {cachep.Address:x8}");
            _cacheChainSem.Down();
            CacheChain.Add(cachep.Next);
            _cacheChainSem.Up();
            return 1;
        }
        for (int i = 0; i < _nrCpus; i++)
            Kfree(cachep.Cpudata[i]?.Address ?? 0);
        KmemCacheFree(CacheCache, cachep.Address);

        return 0;
    }
}
