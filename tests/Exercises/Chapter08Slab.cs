using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 8, the slab allocator. Every exercise boots a two-CPU PC (16 MiB unless it says
/// otherwise) through the whole i386 boot, so the slab allocator is set up exactly as
/// start_kernel does it: cache_cache, the 26 general caches, then the per-CPU arrays.
/// Numbers to keep at hand: PAGE_SIZE 4096, L1_CACHE_BYTES 32, sizeof(slab_t) 24,
/// sizeof(kmem_bufctl_t) 4, and on-slab management takes L1_CACHE_ALIGN(24 + 4 * num) bytes.
/// </summary>
public class Chapter08Slab
{
    private static Kernel Boot(ulong mib = 16) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Cpus = 2 }).Kernel;

    /// <summary>
    /// Q: How many 200-byte objects fit in a one-page on-slab slab, how many bytes are wasted,
    /// and how many colours does such a cache get?
    /// Reasoning: kmem_cache_estimate counts up while i * 200 + L1_ALIGN(24 + 4i) still fits in
    /// 4096. For 19 objects that is 3800 + L1_ALIGN(100) = 3800 + 128 = 3928; a 20th would need
    /// 4000 + 128 = 4128. So 19 objects and 4096 - 3928 = 168 bytes left over, which is
    /// 168 / 32 = 5 colours of one cache line each.
    /// </summary>
    [Fact, Chapter(8)]
    public void Estimate_200ByteObjects_19PerPage_168BytesLeft_5Colours()
    {
        Kernel k = Boot();
        k.Slab.KmemCacheEstimate(0, 200, 0, out uint leftOver, out uint num);
        Assert.Equal((19u, 168u), (num, leftOver));
        KmemCache c = k.Slab.KmemCacheCreate("ex-200", 200, 0, 0, null, null)!;
        Assert.Equal((0u, 19u, 5u), (c.Gfporder, c.Num, c.Colour));
    }

    /// <summary>
    /// Q: Why does cache_cache hold 16 descriptors per page, with 3 colours?
    /// Reasoning: a kmem_cache_t on i386 SMP is 116 bytes of fields plus 32 per-CPU pointers
    /// (NR_CPUS = 32): 244 bytes. 16 * 244 + L1_ALIGN(24 + 64) = 3904 + 96 = 4000 fits, 17 would
    /// need 4148 + 96. 96 bytes are left: 3 colours.
    /// </summary>
    [Fact, Chapter(8)]
    public void CacheCache_244ByteDescriptors_16PerPage_3Colours()
    {
        KmemCache cc = Boot().Slab.CacheCache;
        Assert.Equal((244u, 16u, 3u), (cc.Objsize, cc.Num, cc.Colour));
    }

    /// <summary>
    /// Q: Which caches keep their slab descriptor off the slab: 256-byte objects, 512-byte
    /// objects, 3000-byte objects (16 MiB machine)?
    /// Reasoning: objects of PAGE_SIZE/8 = 512 bytes or more start off-slab. 256 stays on-slab.
    /// 512: 8 objects fill the page exactly, nothing is left, so it stays off-slab. 3000: order
    /// 1 holds 2 objects and leaves 8192 - 6000 = 2192 bytes; the management of 2 objects needs
    /// only L1_ALIGN(24 + 8) = 32, which fits in the left-over, so kmem_cache_create moves it back
    /// on-slab (2160 bytes remain: 67 colours).
    /// </summary>
    [Fact, Chapter(8)]
    public void OnOrOffSlab_256On_512Off_3000MovedBackOn()
    {
        Kernel k = Boot();
        Assert.False(Slab.OffSlab(k.Slab.KmemCacheCreate("ex-256", 256, 0, 0, null, null)!));
        Assert.True(Slab.OffSlab(k.Slab.KmemCacheCreate("ex-512", 512, 0, 0, null, null)!));
        KmemCache odd = k.Slab.KmemCacheCreate("ex-3000", 3000, 0, 0, null, null)!;
        Assert.False(Slab.OffSlab(odd));
        Assert.Equal((1u, 2u, 67u), (odd.Gfporder, odd.Num, odd.Colour));
    }

    /// <summary>
    /// Q: Which general cache serves kmalloc(100)? kmalloc(129)? kmalloc(131073)?
    /// Reasoning: kmalloc walks cache_sizes from 32 upwards and takes the first class at least as
    /// large as the request: 128 for 100, 256 for 129. Nothing is larger than 131072, so the
    /// walk reaches the terminating entry and kmalloc returns NULL.
    /// </summary>
    [Fact, Chapter(8)]
    public void Kmalloc100_UsesSize128_129UsesSize256_Above128KFails()
    {
        Kernel k = Boot();
        string CacheOf(uint objp) => k.Slab.GetPageCache(k.VirtToPage(objp))!.Name;
        Assert.Equal("size-128", CacheOf(k.Slab.Kmalloc(100, Gfp.Kernel)));
        Assert.Equal("size-256", CacheOf(k.Slab.Kmalloc(129, Gfp.Kernel)));
        Assert.Equal(0u, k.Slab.Kmalloc(131073, Gfp.Kernel));
    }

    /// <summary>
    /// Q: A new cache of 128-byte cache-aligned objects: at what offset inside its page does the
    /// first object of the 1st, 2nd, 3rd and 4th slab lie?
    /// Reasoning: 30 objects (3840 bytes) plus L1_ALIGN(24 + 120) = 160 bytes of management
    /// leave 96 bytes: colour = 3, colour_off = 32. Slabs take colours 0, 1, 2, then wrap to 0.
    /// The management sits after the colour and the objects after it: 0 + 160, 32 + 160,
    /// 64 + 160, and 160 again.
    /// </summary>
    [Fact, Chapter(8)]
    public void ColourOffsets_OfSuccessiveSlabs_Are160_192_224_ThenWrap()
    {
        Kernel k = Boot();
        KmemCache c = k.Slab.KmemCacheCreate("ex-colour", 128, 0, SlabFlags.HwcacheAlign, null, null)!;
        k.Slab.SlabinfoWrite("ex-colour 0 0");   // no per-CPU arrays: objects come straight from slabs
        var offsets = new List<uint>();
        for (int slab = 0; slab < 4; slab++)
        {
            offsets.Add(k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel) & ~PageConstants.PageMask);
            for (int i = 1; i < 30; i++)
                k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        }
        Assert.Equal([160u, 192u, 224u, 160u], offsets);
    }

    /// <summary>
    /// Q: What slab order does kmem_cache_create pick for 2048-byte objects, and for 3000-byte
    /// objects on a 16 MiB and on a 64 MiB machine?
    /// Reasoning: 2048 at order 0 fits 2 objects with nothing wasted, so the search stops at
    /// once. 3000 at order 0 wastes 1096 of 4096 bytes (more than an eighth) so it tries order
    /// 1 (2192 of 8192 wasted, still more than an eighth); there it stops on a 16 MiB machine,
    /// whose slab_break_gfp_order is 1. Above 32 MiB the break order is 2, and order 2 holds 5
    /// objects.
    /// </summary>
    [Fact, Chapter(8)]
    public void GfpOrder_2048IsOrder0_3000IsOrder1Or2DependingOnRam()
    {
        Kernel small = Boot(16);
        KmemCache c2048 = small.Slab.KmemCacheCreate("ex-2048", 2048, 0, 0, null, null)!;
        Assert.Equal((0u, 2u), (c2048.Gfporder, c2048.Num));
        Assert.Equal(1u, small.Slab.KmemCacheCreate("ex-3000", 3000, 0, 0, null, null)!.Gfporder);
        KmemCache big = Boot(64).Slab.KmemCacheCreate("ex-3000", 3000, 0, 0, null, null)!;
        Assert.Equal((2u, 5u), (big.Gfporder, big.Num));
    }

    /// <summary>
    /// Q: 300 objects of a 64-byte cache are allocated on CPU 0 and all freed on CPU 1. How many
    /// objects does CPU 1's per-CPU array hold afterwards?
    /// Reasoning: objects of 256 bytes or less get arrays of limit 252 and batchcount 126. CPU 1's
    /// array starts empty; the first 252 frees fill it. The 253rd finds it full, so the top
    /// 126 entries go back to their slabs, leaving 126, and the object is added: 127. The last 47
    /// frees fit: 127 + 47 = 174.
    /// </summary>
    [Fact, Chapter(8)]
    public void PerCpuArray_After300FreesOnAnotherCpu_Holds174()
    {
        Kernel k = Boot();
        KmemCache c = k.Slab.KmemCacheCreate("ex-pcpu", 64, 0, 0, null, null)!;
        var objs = Enumerable.Range(0, 300).Select(_ => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel)).ToList();
        k.CurrentCpu = 1;
        foreach (uint o in objs)
            k.Slab.KmemCacheFree(c, o);
        Assert.Equal(174u, c.Cpudata[1]!.Avail);
    }

    /// <summary>
    /// Q: A cache of 4096-byte objects (one page per slab) has had 12 objects allocated and freed
    /// on the current CPU. When kmem_cache_reap finally picks it, how many pages does it free?
    /// Reasoning: the first scan that meets the cache only clears its "recently grown" mark.
    /// The next one empties this CPU's array into the slabs (12 free slabs), weighs them
    /// (12 pages, no constructor, order 0, so no discount), and since 12 >= REAP_PERFECT (10)
    /// stops scanning and frees half the free slabs, rounded up: (12 + 1) / 2 = 6 pages.
    /// </summary>
    [Fact, Chapter(8)]
    public void Reap_PicksCacheWith12FreePages_AndFreesHalf()
    {
        Kernel k = Boot();
        KmemCache c = k.Slab.KmemCacheCreate("ex-reap", 4096, 0, 0, null, null)!;
        var objs = Enumerable.Range(0, 12).Select(_ => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel)).ToList();
        foreach (uint o in objs)
            k.Slab.KmemCacheFree(c, o);
        int freed = 0;
        for (int i = 0; i < 10 && freed == 0; i++)
            freed = k.Slab.KmemCacheReap(Gfp.Kernel);
        Assert.Equal(6, freed);
        Assert.Equal(6, c.SlabsFree.Count());
    }

    /// <summary>
    /// Q: What is offslab_limit after boot, and why does it matter?
    /// Reasoning: kmem_cache_sizes_init sets it from every general cache that is on-slab; the
    /// largest is size-256, giving (256 - 24) / 2 = 116. An off-slab cache may not put more
    /// objects in a slab than that, because its slab_t and bufctls must fit in a general cache.
    /// </summary>
    [Fact, Chapter(8)]
    public void OffslabLimit_Is116_FromSize256()
    {
        Assert.Equal(116u, Boot().Slab.OffslabLimit);
    }

    /// <summary>
    /// Q: A cache of 128-byte objects created with SLAB_HWCACHE_ALIGN grows three slabs. What
    /// is each slab's colouroff, and how does kmem_slab_destroy find the slab's page from it?
    /// Reasoning: 30 objects use 3840 bytes and the on-slab management L1_ALIGN(24 + 120) = 160,
    /// leaving 96 bytes: 3 colours of 32. kmem_cache_slabmgmt puts the slab_t at the colour
    /// offset and the first object after the management, and records in colouroff the distance
    /// from the slab's page to s_mem: 0 + 160, 32 + 160, 64 + 160. s_mem - colouroff is the page
    /// address, which is what kmem_slab_destroy hands back to kmem_freepages.
    /// </summary>
    [Fact, Chapter(8)]
    public void Colouroff_IsTheDistanceFromThePageToTheFirstObject()
    {
        Kernel k = Boot();
        KmemCache c = k.Slab.KmemCacheCreate("ex-128", 128, 0, SlabFlags.HwcacheAlign, null, null)!;
        k.Slab.SlabinfoWrite("ex-128 0 0");   // no per-CPU array: every allocation goes to the slabs
        for (int i = 0; i < 3 * c.Num; i++)
            k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);

        SlabT[] slabs = [.. Slab.AllSlabs(c).OrderBy(s => s.Colouroff)];
        Assert.Equal([160u, 192u, 224u], slabs.Select(s => s.Colouroff));
        Assert.All(slabs, s => Assert.Equal(0u, (s.SMem - s.Colouroff) % 4096));
    }

    /// <summary>
    /// Q: On a kernel built with CONFIG_DEBUG_SLAB, three caches are created: 100-byte objects
    /// with SLAB_HWCACHE_ALIGN, 100-byte objects with SLAB_HWCACHE_ALIGN | SLAB_MUST_HWCACHE_ALIGN,
    /// and 600-byte objects. Which get red zones, what object size does each end up with, and
    /// how many kmem_cache_t fit in cache_cache's page now?
    /// Reasoning: kmem_cache_create red-zones a cache whose objects are under PAGE_SIZE / 8 = 512
    /// bytes unless SLAB_MUST_HWCACHE_ALIGN is set. Red zones cost two words and give up the
    /// cache alignment: 100 + 8 = 108 bytes. The MUST cache keeps its alignment and has no red
    /// zones: 100 rounded to 128. The 600-byte cache is too big for red zones: 600. All three
    /// lack a constructor, so all are poisoned; the cache's flags field records all of it. The
    /// statistics make a kmem_cache_t 284 bytes: 14 per page (14 * 284 + L1_ALIGN(24 + 56) =
    /// 3976 + 96 = 4072 fits; 15 objects alone would take 4260).
    /// </summary>
    [Fact, Chapter(8)]
    public void DebugSlab_RedZones_SmallCachesUnlessTheyMustBeAligned()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 16u << 20, Cpus = 2, DebugSlab = true }).Kernel;
        KmemCache aligned = k.Slab.KmemCacheCreate("ex-rz", 100, 0, SlabFlags.HwcacheAlign, null, null)!;
        KmemCache must = k.Slab.KmemCacheCreate("ex-must", 100, 0, SlabFlags.HwcacheAlign | SlabFlags.MustHwcacheAlign, null, null)!;
        KmemCache big = k.Slab.KmemCacheCreate("ex-600", 600, 0, 0, null, null)!;

        Assert.Equal(SlabFlags.RedZone, aligned.Flags & (SlabFlags.RedZone | SlabFlags.HwcacheAlign));
        Assert.Equal(108u, aligned.Objsize);
        Assert.Equal(SlabFlags.HwcacheAlign, must.Flags & (SlabFlags.RedZone | SlabFlags.HwcacheAlign));
        Assert.Equal(128u, must.Objsize);
        Assert.Equal(0u, big.Flags & SlabFlags.RedZone);
        Assert.Equal(600u, big.Objsize);
        Assert.All(new[] { aligned, must, big }, c => Assert.NotEqual(0u, c.Flags & SlabFlags.Poison));
        Assert.Equal((284u, 14u), (k.Slab.CacheCache.Objsize, k.Slab.CacheCache.Num));

        uint o = k.Slab.KmemCacheAlloc(must, SlabFlags.Kernel);
        Assert.Equal(0u, o % 32);
        k.Slab.KmemCacheFree(must, o);
        k.Slab.CheckInvariants();
    }
}
