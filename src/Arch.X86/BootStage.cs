namespace LinuxVm.Arch.X86;

/// <summary>
/// The steps of a PC's boot, in the order <see cref="Machine.Boot"/> runs them (head.S, then
/// init/main.c start_kernel and the init thread's initcalls), each named after the kernel function
/// that makes it. <see cref="MachineConfig.StopAfter"/> ends the boot after one of them, for tests
/// and exercises that look at the machine half-built.
/// </summary>
public enum BootStage
{
    /// <summary>head.S <c>startup_32</c>: the kernel image is loaded and paging is on with the boot page tables; start_kernel has not run, so no allocator exists yet.</summary>
    Startup32,

    /// <summary>setup_arch as far as <c>setup_memory</c>: bootmem holds the low RAM, and nothing has been allocated from it.</summary>
    SetupMemory,

    /// <summary>The whole of <c>setup_arch</c>: paging_init has built the kernel page tables, sized the zones and made mem_map; the free pages are still bootmem's.</summary>
    SetupArch,

    /// <summary><c>sched_init</c>: the timer wheel is ready.</summary>
    SchedInit,

    /// <summary><c>kmem_cache_init</c>: cache_cache is sized; no slab has pages yet.</summary>
    KmemCacheInit,

    /// <summary><c>mem_init</c>: every free page is on the buddy allocator's free lists.</summary>
    MemInit,

    /// <summary><c>kmem_cache_sizes_init</c>: the kmalloc caches exist.</summary>
    KmemCacheSizesInit,

    /// <summary><c>pgtable_cache_init</c>: with PAE, the cache of page directories exists.</summary>
    PgtableCacheInit,

    /// <summary><c>page_cache_init</c>: the page hash table is allocated.</summary>
    PageCacheInit,

    /// <summary><c>smp_init</c>: every CPU runs and the boot identity mapping is gone.</summary>
    SmpInit,

    /// <summary>The <c>kmem_cpucache_init</c> initcall: every cache has its per-CPU arrays.</summary>
    KmemCpucacheInit,

    /// <summary>The <c>init_shmem_fs</c> initcall: the internal tmpfs for shared anonymous memory is mounted.</summary>
    InitShmemFs,

    /// <summary><c>free_initmem</c>: the init sections are freed; the boot is complete.</summary>
    FreeInitmem,
}
