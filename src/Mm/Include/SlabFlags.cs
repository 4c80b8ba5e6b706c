namespace LinuxVm.Mm.Include;

/// <summary>
/// The flags of include/linux/slab.h: what a caller of <c>kmem_cache_alloc</c> may pass (the
/// GFP levels under slab names), what <c>kmem_cache_create</c> accepts, and what a constructor is
/// told when it runs.
/// </summary>
/// <remarks>
/// Two families share bit values: <see cref="NoGrow"/> (an allocation flag) and
/// <see cref="NoReap"/> (a cache-creation flag) are both 0x1000, which is harmless because they
/// never meet in the same argument.
/// </remarks>
public static class SlabFlags
{
    // Allocation flags: the GFP masks a slab user passes to kmem_cache_alloc and kmalloc.

    /// <summary>May sleep and start I/O but not call into filesystems.</summary>
    [Linux("include/linux/slab.h", "SLAB_NOFS")] public const uint NoFs = Gfp.NoFs;
    /// <summary>May sleep but start no I/O.</summary>
    [Linux("include/linux/slab.h", "SLAB_NOIO")] public const uint NoIo = Gfp.NoIo;
    /// <summary>May sleep but start no high-memory I/O.</summary>
    [Linux("include/linux/slab.h", "SLAB_NOHIGHIO")] public const uint NoHighIo = Gfp.NoHighIo;
    /// <summary>Must not sleep.</summary>
    [Linux("include/linux/slab.h", "SLAB_ATOMIC")] public const uint Atomic = Gfp.Atomic;
    /// <summary>On behalf of a user process.</summary>
    [Linux("include/linux/slab.h", "SLAB_USER")] public const uint User = Gfp.User;
    /// <summary>The normal kernel allocation.</summary>
    [Linux("include/linux/slab.h", "SLAB_KERNEL")] public const uint Kernel = Gfp.Kernel;
    /// <summary>Used by NFS.</summary>
    [Linux("include/linux/slab.h", "SLAB_NFS")] public const uint Nfs = Gfp.Nfs;
    /// <summary>The object must be usable for ISA DMA.</summary>
    [Linux("include/linux/slab.h", "SLAB_DMA")] public const uint Dma = Gfp.GfpDma;

    /// <summary>The bits of an allocation flag that say how hard the allocator may try.</summary>
    [Linux("include/linux/slab.h", "SLAB_LEVEL_MASK")]
    public const uint LevelMask = Gfp.Wait | Gfp.High | Gfp.Io | Gfp.HighIo | Gfp.Fs;

    /// <summary>Allocation flag: fail rather than add a slab to the cache.</summary>
    [Linux("include/linux/slab.h", "SLAB_NO_GROW")] public const uint NoGrow = 0x00001000;

    // Cache-creation flags for kmem_cache_create.

    /// <summary>Expensive checks on free (declared, never tested by 2.4.20's slab.c).</summary>
    [Linux("include/linux/slab.h", "SLAB_DEBUG_FREE")] public const uint DebugFree = 0x00000100;
    /// <summary>Run the constructor as a verifier each time an object is freed (debug builds).</summary>
    [Linux("include/linux/slab.h", "SLAB_DEBUG_INITIAL")] public const uint DebugInitial = 0x00000200;
    /// <summary>Surround each object with guard words (debug builds).</summary>
    [Linux("include/linux/slab.h", "SLAB_RED_ZONE")] public const uint RedZone = 0x00000400;
    /// <summary>Fill free objects with a known pattern (debug builds).</summary>
    [Linux("include/linux/slab.h", "SLAB_POISON")] public const uint Poison = 0x00000800;
    /// <summary>kmem_cache_reap must leave this cache alone.</summary>
    [Linux("include/linux/slab.h", "SLAB_NO_REAP")] public const uint NoReap = 0x00001000;
    /// <summary>Start objects on L1 cache-line boundaries.</summary>
    [Linux("include/linux/slab.h", "SLAB_HWCACHE_ALIGN")] public const uint HwcacheAlign = 0x00002000;
    /// <summary>Take the cache's pages from ZONE_DMA.</summary>
    [Linux("include/linux/slab.h", "SLAB_CACHE_DMA")] public const uint CacheDma = 0x00004000;
    /// <summary>Keep cache-line alignment even when debugging would drop it.</summary>
    [Linux("include/linux/slab.h", "SLAB_MUST_HWCACHE_ALIGN")] public const uint MustHwcacheAlign = 0x00008000;

    // What a constructor is told.

    /// <summary>The call constructs (set) rather than destroys (clear).</summary>
    [Linux("include/linux/slab.h", "SLAB_CTOR_CONSTRUCTOR")] public const uint CtorConstructor = 0x001;
    /// <summary>The constructor must not sleep.</summary>
    [Linux("include/linux/slab.h", "SLAB_CTOR_ATOMIC")] public const uint CtorAtomic = 0x002;
    /// <summary>The constructor is only asked to verify an object's state.</summary>
    [Linux("include/linux/slab.h", "SLAB_CTOR_VERIFY")] public const uint CtorVerify = 0x004;
}
