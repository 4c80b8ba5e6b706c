using LinuxVm.Mm.Tests.Machines;

namespace LinuxVm.Mm.Tests.Slab;

/// <summary>
/// A booted PC for the slab tests: <see cref="FlatPc"/> with the slab allocator brought up in
/// start_kernel order: kmem_cache_init before mem_init, kmem_cache_sizes_init after it, and
/// the kmem_cpucache_init initcall last (optional, to test the machine before per-CPU arrays).
/// </summary>
internal static class SlabMachine
{
    public static Kernel Boot(uint megabytes = 16, int cpus = 2, bool debug = false, bool cpucaches = true)
    {
        Kernel kernel = FlatPc.Boot(megabytes, cpus: cpus, beforeFreeAll: k =>
        {
            k.Slab.ConfigDebugSlab = debug;
            k.Slab.KmemCacheInit();
        }).Kernel;
        kernel.Slab.KmemCacheSizesInit();
        if (cpucaches)
            kernel.Slab.KmemCpucacheInit();
        return kernel;
    }

    /// <summary>Drains every per-CPU array and shrinks every cache until nothing changes, so
    /// that only slabs holding live objects remain.</summary>
    public static void DrainAndShrinkAll(Kernel kernel)
    {
        int before;
        do
        {
            before = kernel.Slab.PagesInSlabs();
            foreach (KmemCache c in kernel.Slab.Caches().ToList())
            {
                kernel.Slab.DrainCpuCaches(c);
                c.Spinlock.Lock();
                kernel.Slab.KmemCacheShrinkLocked(c);
                c.Spinlock.Unlock();
            }
        } while (kernel.Slab.PagesInSlabs() != before);
    }
}
