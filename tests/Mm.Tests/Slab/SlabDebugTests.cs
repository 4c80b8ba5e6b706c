using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Slab;

/// <summary>CONFIG_DEBUG_SLAB: red zones and poison really live in simulated memory, and misuse is caught.</summary>
public class SlabDebugTests
{
    private static Kernel Boot(bool cpucaches = false) => SlabTests.Boot(debug: true, cpucaches);

    [Fact]
    public void ForcedDebug_RedZonesAndPoisonsSmallCaches_InMemory()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("dbg", 64, 0, 0, null, null)!;
        Assert.Equal(SlabFlags.RedZone | SlabFlags.Poison, c.Flags & (SlabFlags.RedZone | SlabFlags.Poison));
        Assert.Equal(72u, c.Objsize);
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        // Allocated: both guard words say RED_MAGIC2; the body still carries the poison.
        Assert.Equal(Mm.Slab.RedMagic2, k.Phys.ReadU32(k.Pa(o - 4)));
        Assert.Equal(Mm.Slab.RedMagic2, k.Phys.ReadU32(k.Pa(o + 64)));
        Assert.Equal(Mm.Slab.PoisonByte, k.Phys.ReadByte(k.Pa(o)));
        Assert.Equal(Mm.Slab.PoisonEnd, k.Phys.ReadByte(k.Pa(o + 63)));
        k.Slab.CheckInvariants();
        k.Phys.WriteU32(k.Pa(o), 1234);                   // the caller uses its object
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal(Mm.Slab.RedMagic1, k.Phys.ReadU32(k.Pa(o - 4)));
        Assert.Equal(Mm.Slab.PoisonByte, k.Phys.ReadByte(k.Pa(o)));   // poisoned again
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void WritePastTheEnd_IsCaughtOnFree()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("overrun", 32, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Phys.WriteByte(k.Pa(o + 32), 0);
        var e = Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheFree(c, o));
        Assert.Equal("kmem_cache_free_one", e.Where);
        Assert.Contains("write past object", e.Check);
    }

    [Fact]
    public void DoubleFree_IsCaught_ByTheRedZone()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("twice", 32, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        var e = Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheFree(c, o));
        Assert.Contains("double free", e.Check);
    }

    [Fact]
    public void DoubleFree_WithoutRedZone_IsCaught_ByTheFreeListWalk()
    {
        var k = Boot();
        // SLAB_MUST_HWCACHE_ALIGN keeps FORCED_DEBUG from red-zoning it.
        var c = k.Slab.KmemCacheCreate("twice", 32, 0, SlabFlags.MustHwcacheAlign, null, null)!;
        Assert.Equal(0u, c.Flags & SlabFlags.RedZone);
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        var e = Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheFree(c, o));
        Assert.Equal("kmem_extra_free_checks", e.Where);
    }

    [Fact]
    public void DoubleFree_ThroughPerCpuArray_IsCaughtWhenDrained()
    {
        var k = Boot(cpucaches: true);
        var c = k.Slab.KmemCacheCreate("twice", 32, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        k.Slab.KmemCacheFree(c, o);                       // lands in the array unnoticed, as in 2.4
        Assert.Throws<KernelPanicException>(() => k.Slab.CheckInvariants());
        Assert.Throws<KernelPanicException>(() => k.Slab.DrainCpuCaches(c));
    }

    [Fact]
    public void WriteAfterFree_IsCaught_ByThePoisonCheckOnAlloc()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("uaf", 64, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        k.Phys.WriteByte(k.Pa(o + 10), PoisonEndByte);
        var e = Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel));
        Assert.Equal("kmem_cache_alloc_one_tail", e.Where);
    }

    private const byte PoisonEndByte = Mm.Slab.PoisonEnd;

    [Fact]
    public void FreeToTheWrongCache_IsCaught()
    {
        var k = Boot();
        var a = k.Slab.KmemCacheCreate("a", 64, 0, 0, null, null)!;
        var b = k.Slab.KmemCacheCreate("b", 64, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(a, SlabFlags.Kernel);
        Assert.Equal("cachep != GET_PAGE_CACHE(virt_to_page(objp))",
            Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheFree(b, o)).Check);
    }

    [Fact]
    public void DebugInitial_CallsTheConstructorAsVerifierOnFree()
    {
        var k = Boot();
        var flags = new List<uint>();
        var c = k.Slab.KmemCacheCreate("verify", 64, 0, SlabFlags.DebugInitial, (o, cache, f) => flags.Add(f), null)!;
        Assert.Equal(0u, c.Flags & SlabFlags.Poison);     // no poisoning with a constructor
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        flags.Clear();
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal([SlabFlags.CtorConstructor | SlabFlags.CtorVerify], flags);
    }

    [Fact]
    public void Kfree_OutOfRange_IsCaught()
    {
        var k = Boot();
        Assert.Equal("!VALID_PAGE(page)", Assert.Throws<KernelPanicException>(() => k.Slab.Kfree(0xF0000000)).Check);
    }

    [Fact]
    public void Stats_CountAllocationsAndGrowth()
    {
        var k = Boot(cpucaches: true);
        var c = k.Slab.KmemCacheCreate("stats", 64, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal(1ul, c.Grown);
        Assert.Equal((ulong)c.Num, c.NumAllocations);      // the batch took the whole slab
        // Two misses: the first finds no slab and grows the cache, the retry misses again and
        // refills the array from the new slab.
        Assert.Equal((0ul, 2ul, 1ul, 0ul), (c.Allochit, c.Allocmiss, c.Freehit, c.Freemiss));
        k.Slab.CheckInvariants();
        Assert.Contains("stats", k.Slab.ReadSlabinfo());
    }
}
