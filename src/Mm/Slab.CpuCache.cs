using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/slab.c, fifth part: sizing and installing the per-CPU arrays.
public sealed partial class Slab
{
    /// <summary>
    /// Gives every online CPU a new array of <paramref name="limit"/> objects for
    /// <paramref name="cachep"/> (none when limit is 0) and sets the batch size; the old arrays
    /// are emptied into the slabs and freed. Called with cache_chain_sem held. Returns 0,
    /// -EINVAL for a bad pair of numbers, or -ENOMEM (nothing changed).
    /// </summary>
    [Linux("mm/slab.c", "kmem_tune_cpucache")]
    private int KmemTuneCpucache(KmemCache cachep, int limit, int batchcount)
    {
        var @new = new CcupdateStruct(cachep, _nrCpus);
        int i;

        // The numbers come from an administrator (via /proc/slabinfo): refuse rather than BUG.
        if (limit < 0)
            return -Einval;
        if (batchcount < 0)
            return -Einval;
        if (batchcount > limit)
            return -Einval;
        if (limit != 0 && batchcount == 0)
            return -Einval;

        if (limit != 0)
        {
            for (i = 0; i < _kernel.SmpNumCpus; i++)
            {
                uint addr = Kmalloc(BytesPerWord * (uint)limit + SizeofCpucacheT, Gfp.Kernel);
                if (addr == 0)
                    goto oom;
                @new.New[i] = new CpuCache(addr, (uint)limit) { Avail = 0 };
            }
        }
        cachep.Spinlock.Lock();
        cachep.Batchcount = (uint)batchcount;
        cachep.Spinlock.Unlock();

        SmpCallFunctionAllCpus(DoCcupdateLocal, @new);

        for (i = 0; i < _kernel.SmpNumCpus; i++)
        {
            CpuCache? ccold = @new.New[i];
            if (ccold is null)
                continue;
            FreeBlock(cachep, ccold.Entry, 0, (int)ccold.Avail);
            Kfree(ccold.Address);
        }
        return 0;
    oom:
        for (i--; i >= 0; i--)
            Kfree(@new.New[i]!.Address);
        return -Enomem;
    }

    /// <summary>
    /// Picks a per-CPU array size by object size (252 objects up to 256 bytes, 124 up to 1 KiB,
    /// 60 up to a page, none above) with a batch of half that, and installs it.
    /// </summary>
    [Linux("mm/slab.c", "enable_cpucache")]
    private void EnableCpucache(KmemCache cachep)
    {
        int limit;

        if (cachep.Objsize > PageConstants.PageSize)
            return;
        if (cachep.Objsize > 1024)
            limit = 60;
        else if (cachep.Objsize > 256)
            limit = 124;
        else
            limit = 252;

        int err = KmemTuneCpucache(cachep, limit, limit / 2);
        if (err != 0)
            _kernel.Printk($"enable_cpucache failed for {cachep.Name}, error {-err}.");
    }

    /// <summary>Enables the per-CPU arrays of every cache on the chain, cache_cache first.</summary>
    [Linux("mm/slab.c", "enable_all_cpucaches")]
    private void EnableAllCpucaches()
    {
        _cacheChainSem.Down();

        var p = CacheCache.Next;
        do
        {
            KmemCache cachep = p.Entry<KmemCache>();

            EnableCpucache(cachep);
            p = cachep.Next.Next;
        } while (p != CacheCache.Next);

        _cacheChainSem.Up();
    }
}
