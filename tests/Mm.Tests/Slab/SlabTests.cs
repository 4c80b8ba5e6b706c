using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Tests.Slab;

public class SlabTests
{
    // A PC booted as far as the slab allocator goes: up to kmem_cpucache_init, or up to
    // kmem_cache_sizes_init to see the caches before they have per-CPU arrays.
    internal static Kernel Boot(bool debug = false, bool cpucaches = true, int cpus = 2, uint mb = 16) =>
        Machine.Boot(new MachineConfig
        {
            RamBytes = (ulong)mb << 20,
            Cpus = cpus,
            DebugSlab = debug,
            StopAfter = cpucaches ? BootStage.KmemCpucacheInit : BootStage.KmemCacheSizesInit,
        }).Kernel;

    [Fact]
    public void CacheCache_Is244ByteObjects_16PerPage_3Colours()
    {
        var k = Boot();
        KmemCache cc = k.Slab.CacheCache;
        Assert.Equal(244u, cc.Objsize);
        Assert.Equal(16u, cc.Num);
        Assert.Equal(3u, cc.Colour);
        Assert.Equal(32u, cc.ColourOff);
    }

    [Fact]
    public void SizesInit_CreatesThirteenClassesWithDmaTwins_AndSetsOffslabLimit()
    {
        // Stopped right after kmem_cache_sizes_init, before proc_caches_init adds its five.
        var k = Boot(cpucaches: false);
        var names = k.Slab.Caches().Select(c => c.Name).ToList();
        Assert.Equal(1 + 26, names.Count);
        Assert.Equal("kmem_cache", names[0]);
        Assert.Equal("size-131072(DMA)", names[1]);
        Assert.Equal("size-32", names[^1]);
        Assert.Equal(116u, k.Slab.OffslabLimit);               // (256 - 24) / 2
        Assert.False(Mm.Slab.OffSlab(k.Slab.FindCache("size-256")!));
        Assert.True(Mm.Slab.OffSlab(k.Slab.FindCache("size-512")!));
        Assert.Equal("size-64", k.Slab.FindCache("size-1024")!.SlabpCache!.Name);
        Assert.Equal(Gfp.GfpDma, k.Slab.FindCache("size-64(DMA)")!.Gfpflags);
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Estimate_MatchesHandComputation()
    {
        var k = Boot();
        // 200-byte objects on-slab: 19 * 200 + L1_ALIGN(24 + 19 * 4) = 3800 + 128 = 3928.
        k.Slab.KmemCacheEstimate(0, 200, 0, out uint left, out uint num);
        Assert.Equal((19u, 168u), (num, left));
        // Off-slab 512-byte objects: 8 fill the page exactly.
        k.Slab.KmemCacheEstimate(0, 512, Mm.Slab.CflgsOffSlab, out left, out num);
        Assert.Equal((8u, 0u), (num, left));
    }

    [Fact]
    public void Kmalloc_PicksSmallestClass_AndRefusesAbove128K()
    {
        var k = Boot();
        uint a = k.Slab.Kmalloc(100, Gfp.Kernel);
        Assert.Equal("size-128", k.Slab.GetPageCache(k.VirtToPage(a))!.Name);
        uint d = k.Slab.Kmalloc(100, Gfp.Kernel | Gfp.GfpDma);
        Assert.Equal("size-128(DMA)", k.Slab.GetPageCache(k.VirtToPage(d))!.Name);
        Assert.True(k.Pa(d) < 16u << 20);
        uint big = k.Slab.Kmalloc(131072, Gfp.Kernel);
        Assert.NotEqual(0u, big);
        Assert.Equal(0u, k.Slab.Kmalloc(131073, Gfp.Kernel));
        k.Slab.Kfree(0);
        k.Slab.Kfree(a);
        k.Slab.Kfree(d);
        k.Slab.Kfree(big);
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Alloc_GivesDistinctObjectsInsideSlabPages()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("test", 60, 0, 0, null, null)!;
        Assert.Equal(60u, c.Objsize);
        var seen = new HashSet<uint>();
        for (int i = 0; i < 1000; i++)
        {
            uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
            Assert.True(seen.Add(o));
            Page p = k.VirtToPage(o);
            Assert.True(PageFlags.PageSlab(p));
            Assert.Same(c, k.Slab.GetPageCache(p));
        }
        k.Slab.CheckInvariants();
        foreach (uint o in seen)
            k.Slab.KmemCacheFree(c, o);
        k.Slab.CheckInvariants();
        Assert.Equal(0, k.Slab.KmemCacheDestroy(c));
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Colouring_SuccessiveSlabsStartOneLineLater_AndWrap()
    {
        var k = Boot(cpucaches: false);
        // Like size-128: 30 objects, 96 bytes left over, 3 colours of 32 bytes.
        var c = k.Slab.KmemCacheCreate("colours", 128, 0, SlabFlags.HwcacheAlign, null, null)!;
        Assert.Equal((30u, 3u), (c.Num, c.Colour));
        var firstOfSlab = new List<uint>();
        for (int i = 0; i < 4 * 30; i++)
        {
            uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
            if (i % 30 == 0)
                firstOfSlab.Add(o & ~PageConstants.PageMask);
        }
        // Management is L1_ALIGN(24 + 30 * 4) = 160 bytes, after the colour.
        Assert.Equal([160u, 192u, 224u, 160u], firstOfSlab);
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void OffSlabCache_TakesDescriptorsFromGeneralCache()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("big", 1024, 0, 0, null, null)!;
        Assert.True(Mm.Slab.OffSlab(c));
        Assert.Equal("size-64", c.SlabpCache!.Name);     // L1_ALIGN(4 * 4 + 24) = 64
        KmemCache s64 = c.SlabpCache;
        uint before = Mm.Slab.AllSlabs(s64).Aggregate(0u, (n, s) => n + s.Inuse);
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        Assert.Equal(0u, o & ~PageConstants.PageMask);    // no colour (0 left over), no management
        uint after = Mm.Slab.AllSlabs(s64).Aggregate(0u, (n, s) => n + s.Inuse);
        Assert.Equal(before + 1, after);
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal(1, k.Slab.KmemCacheShrink(c));
        Assert.Equal(before, Mm.Slab.AllSlabs(s64).Aggregate(0u, (n, s) => n + s.Inuse));
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void ThreeThousandByteCache_MovesManagementBackOnSlab()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("odd", 3000, 0, 0, null, null)!;
        // Order 1 (slab_break_gfp_order is 1 below 32 MiB): 2 objects, 2192 left, 32 of them for management.
        Assert.Equal((1u, 2u, 67u), (c.Gfporder, c.Num, c.Colour));
        Assert.False(Mm.Slab.OffSlab(c));
    }

    [Fact]
    public void CtorRunsPerObjectAtGrow_DtorAtDestroy()
    {
        var k = Boot(cpucaches: false);
        int ctors = 0, dtors = 0;
        var c = k.Slab.KmemCacheCreate("ctor", 256, 0, 0,
            (o, cache, f) => { ctors++; Assert.Equal(SlabFlags.CtorConstructor, f); },
            (o, cache, f) => dtors++)!;
        uint o1 = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        Assert.Equal((int)c.Num, ctors);
        k.Slab.KmemCacheFree(c, o1);
        Assert.Equal(0, k.Slab.KmemCacheDestroy(c));
        Assert.Equal((int)c.Num, dtors);
    }

    [Fact]
    public void AtomicGrow_TellsTheConstructor()
    {
        var k = Boot(cpucaches: false);
        uint seen = 0;
        var c = k.Slab.KmemCacheCreate("atomic", 64, 0, 0, (o, cache, f) => seen = f, null)!;
        k.Slab.KmemCacheAlloc(c, SlabFlags.Atomic);
        Assert.Equal(SlabFlags.CtorConstructor | SlabFlags.CtorAtomic, seen);
    }

    [Fact]
    public void Shrink_ReturnsFreeSlabsPages_ToBuddy()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("shrink", 2048, 0, 0, null, null)!;
        uint free0 = k.PageAlloc.NrFreePages();
        var objs = Enumerable.Range(0, 10).Select(_ => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel)).ToList();
        // Five one-page slabs of two objects, plus a first page for size-32, where the five
        // off-slab descriptors (L1_ALIGN(2 * 4 + 24) = 32 bytes) live.
        Assert.Equal(free0 - 5 - 1, k.PageAlloc.NrFreePages());
        foreach (uint o in objs)
            k.Slab.KmemCacheFree(c, o);
        Assert.Equal(5, k.Slab.KmemCacheShrink(c));
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Shrink_LeavesObjectsInPerCpuArrays_DestroyDrainsThem()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("percpu", 64, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal(59u, c.Cpudata[0]!.Avail);
        Assert.Equal(0, k.Slab.KmemCacheShrink(c));   // the slab is full from the slabs' point of view
        Assert.Equal(0, k.Slab.KmemCacheDestroy(c));
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Destroy_WithLiveObjects_Refuses_AndKeepsTheCache()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("busy", 64, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        Assert.Equal(1, k.Slab.KmemCacheDestroy(c));
        Assert.Same(c, k.Slab.FindCache("busy"));
        k.Slab.CheckInvariants();
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal(0, k.Slab.KmemCacheDestroy(c));
        Assert.Null(k.Slab.FindCache("busy"));
    }

    [Fact]
    public void PerCpu_FreeOnOtherCpu_OverflowSendsBatchBack()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("pingpong", 64, 0, 0, null, null)!;
        Assert.Equal((252u, 126u), (c.Cpudata[0]!.Limit, c.Batchcount));
        var objs = Enumerable.Range(0, 300).Select(_ => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel)).ToList();
        k.CurrentCpu = 1;
        foreach (uint o in objs)
            k.Slab.KmemCacheFree(c, o);
        // 252 fill the array, the 253rd sends 126 back first, the last 47 join: 126 + 1 + 47.
        Assert.Equal(174u, c.Cpudata[1]!.Avail);
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Reap_FreesHalfTheFreeSlabs_OfTheBestCache_AfterSparingRecentGrowth()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("reapme", 2048, 0, 0, null, null)!;
        var objs = Enumerable.Range(0, 8).Select(_ => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel)).ToList();
        foreach (uint o in objs)
            k.Slab.KmemCacheFree(c, o);
        Assert.Equal(4, c.SlabsFree.Count());
        // The first scan that meets the cache only clears DFLGS_GROWN; a later one reaps.
        var results = new List<int>();
        for (int i = 0; i < 4; i++)
            results.Add(k.Slab.KmemCacheReap(Gfp.Kernel));
        Assert.Equal(2, results.Sum());
        Assert.Equal(2, c.SlabsFree.Count());
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Reap_PerfectCandidate_StopsTheScan()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("perfect", 4096, 0, 0, null, null)!;
        var objs = Enumerable.Range(0, 12).Select(_ => k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel)).ToList();
        foreach (uint o in objs)
            k.Slab.KmemCacheFree(c, o);
        c.Spinlock.Lock();
        c.Dflags = 0;                      // as if the reaper had already passed once
        c.Spinlock.Unlock();
        Assert.Equal(6, k.Slab.KmemCacheReap(Gfp.Kernel));
        Assert.Same(c.Next.Next.Entry<KmemCache>(), k.Slab.ClockSearchp);
    }

    [Fact]
    public void Reap_WithoutWait_GivesUpWhenChainIsBusy_AndDrainsThisCpusArray()
    {
        var k = Boot();
        var c = k.Slab.KmemCacheCreate("drain", 64, 0, 0, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        Assert.Equal(59u, c.Cpudata[0]!.Avail);
        c.Dflags = 0;
        Assert.Equal(1, k.Slab.KmemCacheReap(Gfp.Atomic));
        Assert.Equal(0u, c.Cpudata[0]!.Avail);
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void NoReapCache_IsNeverReaped()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("noreap", 4096, 0, SlabFlags.NoReap, null, null)!;
        uint o = k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        k.Slab.KmemCacheFree(c, o);
        for (int i = 0; i < 10; i++)
            Assert.Equal(0, k.Slab.KmemCacheReap(Gfp.Kernel));
        Assert.Equal(1, c.SlabsFree.Count());
    }

    [Theory]
    [InlineData("a-name-that-is-too-long", 64u, "strlen(name) >= CACHE_NAMELEN - 1")]
    [InlineData("tiny", 3u, "size < BYTES_PER_WORD")]
    [InlineData("huge", 131073u, "size > (1<<MAX_OBJ_ORDER)*PAGE_SIZE")]
    public void Create_BadArguments_AreKernelBugs(string name, uint size, string check)
    {
        var k = Boot();
        var e = Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheCreate(name, size, 0, 0, null, null));
        Assert.Equal(check, e.Check);
    }

    [Fact]
    public void Create_DtorWithoutCtor_DuplicateName_AndDebugFlagWithoutDebug_AreBugs()
    {
        var k = Boot();
        Assert.Equal("dtor && !ctor", Assert.Throws<KernelPanicException>(
            () => k.Slab.KmemCacheCreate("x", 64, 0, 0, null, (_, _, _) => { })).Check);
        Assert.Equal("!strcmp(pc->name, name)", Assert.Throws<KernelPanicException>(
            () => k.Slab.KmemCacheCreate("size-64", 64, 0, 0, null, null)).Check);
        Assert.Equal("flags & ~CREATE_MASK", Assert.Throws<KernelPanicException>(
            () => k.Slab.KmemCacheCreate("rz", 64, 0, SlabFlags.RedZone, null, null)).Check);
    }

    [Fact]
    public void Alloc_DmaMismatch_IsBug()
    {
        var k = Boot();
        var dma = k.Slab.FindCache("size-64(DMA)")!;
        Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheAlloc(dma, SlabFlags.Kernel));
        Assert.Throws<KernelPanicException>(() => k.Slab.KmemCacheAlloc(k.Slab.FindCache("size-64")!, SlabFlags.Kernel | SlabFlags.Dma));
    }

    [Fact]
    public void NoGrow_FailsInsteadOfGrowing()
    {
        var k = Boot(cpucaches: false);
        var c = k.Slab.KmemCacheCreate("nogrow", 64, 0, 0, null, null)!;
        Assert.Equal(0u, k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel | SlabFlags.NoGrow));
    }

    [Fact]
    public void OutOfMemory_ReturnsNull_AndLeavesNothingHalfDone()
    {
        var k = Boot(cpucaches: false, mb: 4);
        var c = k.Slab.KmemCacheCreate("hog", 4096, 0, 0, null, null)!;
        int n = 0;
        while (k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel) != 0)
            n++;
        Assert.True(n > 100);
        Assert.Equal(0u, c.Growing);
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void Kfree_OfNonSlabMemory_Panics()
    {
        var k = Boot();
        uint page = k.PageAlloc.GetFreePages(Gfp.Kernel, 0);
        Assert.Throws<KernelPanicException>(() => k.Slab.Kfree(page));
        var kd = Boot(debug: true);
        page = kd.PageAlloc.GetFreePages(Gfp.Kernel, 0);
        Assert.Equal("!PageSlab(page)", Assert.Throws<KernelPanicException>(() => kd.Slab.Kfree(page)).Check);
    }

    [Fact]
    public void Slabinfo_HasVersionHeader_AndKernelLayout()
    {
        var k = Boot();
        string[] lines = k.Slab.ReadSlabinfo().Split('\n');
        Assert.Equal("slabinfo - version: 1.1 (SMP)", lines[0]);
        // One descriptor for each general cache and each of proc_caches_init's five.
        Assert.Equal("kmem_cache            31     32    244    2    2    1 :  252  126", lines[1]);
        Assert.Contains("size-32(DMA)           0      0     32    0    0    1 :  252  126", lines);
        Assert.Contains("size-131072            0      0 131072    0    0   32 :    0    0", lines);
        var kd = Boot(debug: true);
        Assert.StartsWith("slabinfo - version: 1.1 (statistics) (SMP)\n", kd.Slab.ReadSlabinfo());
    }

    [Fact]
    public void SlabinfoWrite_TunesPerCpuArrays()
    {
        var k = Boot();
        Assert.Equal(12, k.Slab.SlabinfoWrite("size-64 16 8"));
        var c = k.Slab.FindCache("size-64")!;
        Assert.Equal((16u, 8u), (c.Cpudata[0]!.Limit, c.Batchcount));
        Assert.Equal(-22, k.Slab.SlabinfoWrite("size-64 8 16"));
        Assert.Equal(-22, k.Slab.SlabinfoWrite("nosuchcache 8 4"));
        Assert.Equal(-22, k.Slab.SlabinfoWrite("nospace"));
        k.Slab.CheckInvariants();
    }

    [Fact]
    public void KmemCacheSize_HidesRedZones()
    {
        var k = Boot(debug: true);
        var c = k.Slab.KmemCacheCreate("rz", 60, 0, 0, null, null)!;
        Assert.Equal(68u, c.Objsize);
        Assert.Equal(60u, k.Slab.KmemCacheSize(c));
    }
}

public class SlabBootTests
{
    [Fact]
    public void MachineBoot_BringsUpTheSlabAllocator_WithPerCpuArraysOnEveryCpu()
    {
        var m = LinuxVm.Arch.X86.Machine.Boot(new LinuxVm.Arch.X86.MachineConfig { RamBytes = 64UL << 20, Cpus = 2 });
        Kernel k = m.Kernel;
        Assert.True(k.Slab.GCpucacheUp);
        Assert.Equal(2, k.Slab.SlabBreakGfpOrder);          // more than 32 MiB
        var c = k.Slab.FindCache("size-64")!;
        Assert.NotNull(c.Cpudata[0]);
        Assert.NotNull(c.Cpudata[1]);
        Assert.Null(c.Cpudata[2]);
        k.Slab.CheckInvariants();
        uint o = k.Slab.Kmalloc(100, Gfp.Kernel);
        k.Slab.Kfree(o);
        Assert.StartsWith("slabinfo - version: 1.1 (SMP)", k.Slab.ReadSlabinfo());
    }

    [Fact]
    public void MachineBoot_WithDebugSlab_RedZonesTheGeneralCaches()
    {
        var m = LinuxVm.Arch.X86.Machine.Boot(new LinuxVm.Arch.X86.MachineConfig { DebugSlab = true });
        Kernel k = m.Kernel;
        Assert.Equal(40u, k.Slab.FindCache("size-32")!.Objsize);   // 32 + two red-zone words
        k.Slab.CheckInvariants();
    }
}
