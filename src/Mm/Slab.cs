using System.Runtime.CompilerServices;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/slab.c: caches of equally sized objects carved out of page blocks from the buddy
/// allocator, with per-CPU arrays in front of them, and kmalloc/kfree on top of a table of
/// power-of-two caches.
/// </summary>
/// <remarks>
/// <para>The file is split by the parts of the C file, in its order: this file (set-up, page
/// interface, debug helpers, slab destruction, cache creation), <c>Slab.Shrink.cs</c> (draining
/// per-CPU arrays, shrinking, destroying), <c>Slab.Grow.cs</c> (adding a slab),
/// <c>Slab.AllocFree.cs</c> (the allocation and free paths, kmalloc, kfree),
/// <c>Slab.CpuCache.cs</c> (sizing the per-CPU arrays), <c>Slab.Reap.cs</c> (kmem_cache_reap)
/// and <c>Slab.Proc.cs</c> (/proc/slabinfo). The structures are in <c>Slab.Types.cs</c>.</para>
/// <para>Port note: the kernel chooses DEBUG (red zones, poisoning, extra checks), STATS and
/// FORCED_DEBUG together at compile time with CONFIG_DEBUG_SLAB. Here one machine-wide switch,
/// <see cref="ConfigDebugSlab"/>, set before <see cref="KmemCacheInit"/>, turns all three on;
/// with it off, the allocation and free paths read and write no simulated memory at all.</para>
/// </remarks>
public sealed partial class Slab
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>: the static cache_cache and the empty size table.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Slab(Kernel kernel)
    {
        _kernel = kernel;
        _cacheChainSem = new KernelModel.Semaphore(kernel, "cache_chain_sem", 1);
        _nrCpus = kernel.Arch.NrCpusMax;
        CacheCache = NewCacheCache();
        ClockSearchp = CacheCache;
        CacheSizes = NewCacheSizes();
    }

    // ---------------------------------------------------------------------------------------
    // Build options and constants.
    // ---------------------------------------------------------------------------------------

    private bool _debug;
    private bool _initialised;
    private readonly int _nrCpus;

    /// <summary>
    /// CONFIG_DEBUG_SLAB: red zones, poisoning, double-free and bad-pointer checks, statistics,
    /// and (FORCED_DEBUG) red zoning and poisoning of every cache that allows it. Must be chosen
    /// before <see cref="KmemCacheInit"/> runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">When changed after kmem_cache_init.</exception>
    public bool ConfigDebugSlab
    {
        get => _debug;
        set
        {
            if (_initialised && value != _debug)
                throw new InvalidOperationException("CONFIG_DEBUG_SLAB must be chosen before kmem_cache_init runs");
            _debug = value;
        }
    }

    /// <summary>DEBUG: the checks and the red-zone/poison support are compiled in.</summary>
    [Linux("mm/slab.c", "DEBUG")]
    private bool Debug => _debug;

    /// <summary>STATS: the /proc/slabinfo statistics are collected.</summary>
    [Linux("mm/slab.c", "STATS")]
    private bool Stats => _debug;

    /// <summary>FORCED_DEBUG: every cache gets red zones and poisoning where possible.</summary>
    [Linux("mm/slab.c", "FORCED_DEBUG")]
    private bool ForcedDebug => _debug;

    /// <summary>How many caches kmem_cache_reap looks at per call.</summary>
    [Linux("mm/slab.c", "REAP_SCANLEN")] public const uint ReapScanlen = 10;
    /// <summary>A cache offering this many (weighted) free pages is reaped at once without looking further.</summary>
    [Linux("mm/slab.c", "REAP_PERFECT")] public const uint ReapPerfect = 10;
    /// <summary>Size of a pointer on i386.</summary>
    [Linux("mm/slab.c", "BYTES_PER_WORD")] public const uint BytesPerWord = 4;

    /// <summary>End of a slab's free chain.</summary>
    [Linux("mm/slab.c", "BUFCTL_END")] public const uint BufctlEnd = 0xffffffff;
    /// <summary>Most objects a slab may hold.</summary>
    [Linux("mm/slab.c", "SLAB_LIMIT")] public const uint SlabLimit = 0xfffffffe;
    /// <summary>Bytes of the name array in kmem_cache_t.</summary>
    [Linux("mm/slab.c", "CACHE_NAMELEN")] public const int CacheNamelen = 20;

    /// <summary>Internal flag: the slab descriptor and bufctls live in a general cache, not in the slab.</summary>
    [Linux("mm/slab.c", "CFLGS_OFF_SLAB")] public const uint CflgsOffSlab = 0x010000;
    /// <summary>Internal flag: one-page on-slab cache (set, but its fast lookup is disabled in 2.4.20).</summary>
    [Linux("mm/slab.c", "CFLGS_OPTIMIZE")] public const uint CflgsOptimize = 0x020000;
    /// <summary>Dynamic flag: the cache grew since the reaper last looked, so it is skipped once.</summary>
    [Linux("mm/slab.c", "DFLGS_GROWN")] public const uint DflgsGrown = 0x000001;

    /// <summary>Red-zone word of an object that is free (in its slab).</summary>
    [Linux("mm/slab.c", "RED_MAGIC1")] public const uint RedMagic1 = 0x5A2CF071;
    /// <summary>Red-zone word of an object that has been allocated.</summary>
    [Linux("mm/slab.c", "RED_MAGIC2")] public const uint RedMagic2 = 0x170FC2A5;
    /// <summary>Fill byte of a poisoned object.</summary>
    [Linux("mm/slab.c", "POISON_BYTE")] public const byte PoisonByte = 0x5a;
    /// <summary>Last byte of a poisoned object.</summary>
    [Linux("mm/slab.c", "POISON_END")] public const byte PoisonEnd = 0xa5;

    /// <summary>Largest object: 2^MAX_OBJ_ORDER pages.</summary>
    [Linux("mm/slab.c", "MAX_OBJ_ORDER")] public const int MaxObjOrder = 5;
    /// <summary>Slab order the gfporder search stops at on machines above 32 MiB.</summary>
    [Linux("mm/slab.c", "BREAK_GFP_ORDER_HI")] public const int BreakGfpOrderHi = 2;
    /// <summary>Slab order the gfporder search stops at on small machines.</summary>
    [Linux("mm/slab.c", "BREAK_GFP_ORDER_LO")] public const int BreakGfpOrderLo = 1;
    /// <summary>Hard ceiling on a slab's order.</summary>
    [Linux("mm/slab.c", "MAX_GFP_ORDER")] public const int MaxGfpOrder = 5;

    /// <summary>Bytes of a slab_t on i386: a list_head (8) and four 4-byte words.</summary>
    public const uint SizeofSlabT = 24;
    /// <summary>Bytes of a kmem_bufctl_t (an unsigned int).</summary>
    public const uint SizeofKmemBufctlT = 4;
    /// <summary>Bytes of a cpucache_t header (avail and limit).</summary>
    public const uint SizeofCpucacheT = 8;

    private const int Einval = 22;
    private const int Enomem = 12;

    /// <summary>
    /// Bytes of a kmem_cache_t on i386 SMP: 116 bytes of fields up to and including the chain
    /// link, NR_CPUS pointers to per-CPU arrays, and with STATS ten more counters.
    /// </summary>
    /// <remarks>
    /// 3 list heads (24) + objsize, flags, num (12) + spinlock (4) + batchcount (4) + gfporder,
    /// gfpflags (8) + colour, colour_off, colour_next (12) + slabp_cache (4) + growing, dflags
    /// (8) + ctor, dtor (8) + failures (4) + name[20] + next (8) = 116; then 4 * NR_CPUS; then
    /// 6 * 4 of STATS and 4 * 4 of SMP STATS. With NR_CPUS = 32 that is 244 (284 with STATS).
    /// </remarks>
    public uint SizeofKmemCacheT => 116 + 4 * (uint)_nrCpus + (Stats ? 40u : 0u);

    /// <summary>The flags kmem_cache_create accepts (CREATE_MASK, wider when DEBUG).</summary>
    [Linux("mm/slab.c", "CREATE_MASK")]
    private uint CreateMask => Debug
        ? SlabFlags.DebugInitial | SlabFlags.RedZone | SlabFlags.Poison | SlabFlags.HwcacheAlign |
          SlabFlags.NoReap | SlabFlags.CacheDma | SlabFlags.MustHwcacheAlign
        : SlabFlags.HwcacheAlign | SlabFlags.NoReap | SlabFlags.CacheDma | SlabFlags.MustHwcacheAlign;

    // ---------------------------------------------------------------------------------------
    // The file's globals.
    // ---------------------------------------------------------------------------------------

    /// <summary>Most objects an off-slab cache may put in one slab: the bufctls of a full slab must fit in the largest on-slab general cache.</summary>
    [Linux("mm/slab.c", "offslab_limit")]
    public uint OffslabLimit { get; private set; }

    /// <summary>The gfporder search of kmem_cache_create does not go past this order unless nothing fits.</summary>
    [Linux("mm/slab.c", "slab_break_gfp_order")]
    public int SlabBreakGfpOrder { get; private set; } = BreakGfpOrderLo;

    /// <summary>The kmalloc size classes, smallest first, ending with a zero-size entry.</summary>
    [Linux("mm/slab.c", "cache_sizes")]
    public IReadOnlyList<CacheSizesT> CacheSizes { get; }

    /// <summary>The cache that kmem_cache_t descriptors are allocated from; its <c>next</c> node heads the cache chain.</summary>
    [Linux("mm/slab.c", "cache_cache")]
    public KmemCache CacheCache { get; }

    /// <summary>Serialises walks and changes of the cache chain; a task that finds it held sleeps.</summary>
    [Linux("mm/slab.c", "cache_chain_sem")]
    private readonly KernelModel.Semaphore _cacheChainSem;

    /// <summary>Where the next kmem_cache_reap starts its scan of the chain.</summary>
    [Linux("mm/slab.c", "clock_searchp")]
    public KmemCache ClockSearchp { get; private set; }

    /// <summary>The head of the list of all caches (cache_cache.next; cache_cache itself is on it).</summary>
    [Linux("mm/slab.c", "cache_chain")]
    public ListHead CacheChain => CacheCache.Next;

    /// <summary>Set once the general caches exist, so that per-CPU arrays can be kmalloc'ed.</summary>
    [Linux("mm/slab.c", "g_cpucache_up")]
    public bool GCpucacheUp { get; private set; }

    // Builds the statically initialised cache_cache. Its objsize is filled in by
    // kmem_cache_init because sizeof(kmem_cache_t) depends on whether STATS is on.
    private KmemCache NewCacheCache() => new("kmem_cache", _nrCpus)
    {
        Flags = SlabFlags.NoReap,
        ColourOff = (uint)_kernel.Arch.L1CacheBytes,
    };

    // The size classes: 32 bytes only exists with 4 KiB pages (always here), then doubling
    // up to 128 KiB, then the terminating zero.
    private static CacheSizesT[] NewCacheSizes()
    {
        var sizes = new List<CacheSizesT>();
        if (PageConstants.PageSize == 4096)
            sizes.Add(new CacheSizesT(32));
        for (uint s = 64; s <= 131072; s <<= 1)
            sizes.Add(new CacheSizesT(s));
        sizes.Add(new CacheSizesT(0));
        return [.. sizes];
    }

    // ---------------------------------------------------------------------------------------
    // Small helpers standing in for macros of slab.c and the headers.
    // ---------------------------------------------------------------------------------------

    /// <summary>Rounds <paramref name="x"/> up to a multiple of the L1 cache line.</summary>
    [Linux("include/linux/cache.h", "L1_CACHE_ALIGN")]
    private uint L1CacheAlign(uint x)
    {
        uint l1 = (uint)_kernel.Arch.L1CacheBytes;
        return (x + l1 - 1) & ~(l1 - 1);
    }

    /// <summary>True when the cache keeps its slab descriptors off-slab.</summary>
    /// <param name="cachep">The cache.</param>
    [Linux("mm/slab.c", "OFF_SLAB")]
    public static bool OffSlab(KmemCache cachep) => (cachep.Flags & CflgsOffSlab) != 0;

    /// <summary>The executing CPU's array for <paramref name="cachep"/>, or null.</summary>
    [Linux("mm/slab.c", "cc_data")]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CpuCache? CcData(KmemCache cachep) => cachep.Cpudata[_kernel.CurrentCpu];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetCcData(KmemCache cachep, CpuCache? cc) => cachep.Cpudata[_kernel.CurrentCpu] = cc;

    // Port note: slab.c finds an object's cache and slab through the page descriptor, storing
    // the two pointers in page->list.next and page->list.prev, which are free while the page
    // belongs to the slab allocator. A C# ListHead cannot hold a cache, so this side table,
    // indexed like mem_map, plays the part of those two words. kmem_freepages clears a
    // page's entry (the kernel leaves the stale pointers), so a kfree of memory that is no
    // longer a slab page stops with a panic instead of following a stale pointer.
    private PageSlabLink[] _pageLinks = [];

    private struct PageSlabLink
    {
        public KmemCache? Cache;
        public SlabT? Slab;
    }

    private ref PageSlabLink Link(Page page)
    {
        if (_pageLinks.Length != _kernel.Memory.MemMap.Length)
            Array.Resize(ref _pageLinks, _kernel.Memory.MemMap.Length);
        return ref _pageLinks[page.MapNr];
    }

    /// <summary>Records that <paramref name="page"/> belongs to cache <paramref name="x"/>.</summary>
    [Linux("mm/slab.c", "SET_PAGE_CACHE")]
    private void SetPageCache(Page page, KmemCache? x) => Link(page).Cache = x;

    /// <summary>The cache <paramref name="page"/> belongs to (null when it is not a slab page).</summary>
    /// <param name="page">A page descriptor.</param>
    [Linux("mm/slab.c", "GET_PAGE_CACHE")]
    public KmemCache? GetPageCache(Page page) => page.MapNr < _pageLinks.Length ? _pageLinks[page.MapNr].Cache : null;

    /// <summary>Records that <paramref name="page"/> belongs to slab <paramref name="x"/>.</summary>
    [Linux("mm/slab.c", "SET_PAGE_SLAB")]
    private void SetPageSlab(Page page, SlabT? x) => Link(page).Slab = x;

    /// <summary>The slab <paramref name="page"/> belongs to (null when it is not a slab page).</summary>
    /// <param name="page">A page descriptor.</param>
    [Linux("mm/slab.c", "GET_PAGE_SLAB")]
    public SlabT? GetPageSlab(Page page) => page.MapNr < _pageLinks.Length ? _pageLinks[page.MapNr].Slab : null;

    // Words and bytes of simulated memory at kernel virtual addresses (debug paths only).
    private uint ReadWord(uint kaddr) => _kernel.Phys.ReadU32(_kernel.Pa(kaddr));

    private void WriteWord(uint kaddr, uint value) => _kernel.Phys.WriteU32(_kernel.Pa(kaddr), value);

    // xchg on a word of memory: store the new value, return the old one.
    private uint Xchg(uint kaddr, uint value)
    {
        uint old = ReadWord(kaddr);
        WriteWord(kaddr, value);
        return old;
    }

    // ---------------------------------------------------------------------------------------
    // Set-up.
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// Works out how many objects of <paramref name="size"/> bytes fit in a slab of 2^gfporder
    /// pages and how many bytes are left over, counting the on-slab descriptor and bufctls
    /// (rounded up to an L1 line) unless <paramref name="flags"/> says off-slab.
    /// </summary>
    /// <param name="gfporder">Slab order.</param>
    /// <param name="size">Object size in bytes.</param>
    /// <param name="flags">Cache flags; only CFLGS_OFF_SLAB matters.</param>
    /// <param name="leftOver">Bytes of the slab neither objects nor management use.</param>
    /// <param name="num">Objects per slab.</param>
    [Linux("mm/slab.c", "kmem_cache_estimate")]
    public void KmemCacheEstimate(uint gfporder, uint size, uint flags, out uint leftOver, out uint num)
    {
        ulong wastage = (ulong)PageConstants.PageSize << (int)gfporder;
        uint extra = 0;
        uint @base = 0;

        if ((flags & CflgsOffSlab) == 0)
        {
            @base = SizeofSlabT;
            extra = SizeofKmemBufctlT;
        }
        // Count up until the next object would not fit beside its share of management.
        ulong i = 0;
        while (i * size + L1CacheAlign((uint)(@base + i * extra)) <= wastage)
            i++;
        if (i > 0)
            i--;

        if (i > SlabLimit)
            i = SlabLimit;

        num = (uint)i;
        wastage -= i * size;
        wastage -= L1CacheAlign((uint)(@base + i * extra));
        leftOver = (uint)wastage;
    }

    /// <summary>
    /// First stage of slab set-up (start_kernel, before mem_init): sizes cache_cache so that
    /// kmem_cache_create can take descriptors from it once the page allocator runs.
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_init")]
    public void KmemCacheInit()
    {
        _initialised = true;
        CacheCache.Objsize = SizeofKmemCacheT;

        CacheChain.Init();

        KmemCacheEstimate(0, CacheCache.Objsize, 0, out uint leftOver, out uint num);
        CacheCache.Num = num;
        if (CacheCache.Num == 0)
            throw new KernelPanicException("!cache_cache.num", "kmem_cache_init");

        CacheCache.Colour = leftOver / CacheCache.ColourOff;
        CacheCache.ColourNext = 0;
    }

    /// <summary>
    /// Second stage (after mem_init): creates the general caches size-32 ... size-131072 and
    /// their DMA twins, and raises offslab_limit with every general cache that is on-slab.
    /// </summary>
    [Linux("mm/slab.c", "kmem_cache_sizes_init")]
    public void KmemCacheSizesInit()
    {
        // Machines above 32 MiB can afford slabs of order 2 before the search stops.
        if (_kernel.Memory.NumPhyspages > (32u << 20) >> PageConstants.PageShift)
            SlabBreakGfpOrder = BreakGfpOrderHi;
        int s = 0;
        do
        {
            CacheSizesT sizes = CacheSizes[s];
            string name = $"size-{sizes.CsSize}";
            sizes.CsCachep = KmemCacheCreate(name, sizes.CsSize, 0, SlabFlags.HwcacheAlign, null, null)
                ?? throw new KernelPanicException($"!kmem_cache_create(\"{name}\")", "kmem_cache_sizes_init");

            // The bufctls of an off-slab slab must themselves fit in an on-slab general cache.
            if (!OffSlab(sizes.CsCachep))
            {
                OffslabLimit = sizes.CsSize - SizeofSlabT;
                OffslabLimit /= 2;
            }
            name = $"size-{sizes.CsSize}(DMA)";
            sizes.CsDmacachep = KmemCacheCreate(name, sizes.CsSize, 0, SlabFlags.CacheDma | SlabFlags.HwcacheAlign, null, null)
                ?? throw new KernelPanicException($"!kmem_cache_create(\"{name}\")", "kmem_cache_sizes_init");
            s++;
        } while (CacheSizes[s].CsSize != 0);
    }

    /// <summary>
    /// The initcall that gives every cache its per-CPU arrays, once kmalloc works. The boot
    /// sequence runs it with the other initcalls (do_basic_setup), after kmem_cache_sizes_init.
    /// </summary>
    /// <returns>0.</returns>
    [Linux("mm/slab.c", "kmem_cpucache_init")]
    public int KmemCpucacheInit()
    {
        GCpucacheUp = true;
        EnableAllCpucaches();
        return 0;
    }

    // ---------------------------------------------------------------------------------------
    // The page interface.
    // ---------------------------------------------------------------------------------------

    /// <summary>Takes 2^gfporder pages for a new slab of <paramref name="cachep"/>, adding its forced GFP bits; 0 when none.</summary>
    [Linux("mm/slab.c", "kmem_getpages")]
    private uint KmemGetpages(KmemCache cachep, uint flags)
    {
        flags |= cachep.Gfpflags;
        return _kernel.PageAlloc.GetFreePages(flags, (int)cachep.Gfporder);
    }

    /// <summary>Clears PG_slab on a slab's pages and gives them back to the buddy allocator.</summary>
    [Linux("mm/slab.c", "kmem_freepages")]
    private void KmemFreepages(KmemCache cachep, uint addr)
    {
        uint i = 1u << (int)cachep.Gfporder;
        int mapNr = _kernel.VirtToPage(addr).MapNr;

        // free_pages leaves the slab bit alone, so it is cleared here, page by page.
        while (i-- != 0)
        {
            Page page = _kernel.Memory.MemMap[mapNr++];
            PageFlags.PageClearSlab(page);
            SetPageCache(page, null);
            SetPageSlab(page, null);
        }
        _kernel.PageAlloc.FreePages(addr, (int)cachep.Gfporder);
    }

    /// <summary>DEBUG: fills a free object with POISON_BYTE, ending in POISON_END (inside the red zones, if any).</summary>
    [Linux("mm/slab.c", "kmem_poison_obj")]
    private void KmemPoisonObj(KmemCache cachep, uint addr)
    {
        uint size = cachep.Objsize;
        if ((cachep.Flags & SlabFlags.RedZone) != 0)
        {
            addr += BytesPerWord;
            size -= 2 * BytesPerWord;
        }
        _kernel.Phys.Fill(_kernel.Pa(addr), PoisonByte, size);
        _kernel.Phys.WriteByte(_kernel.Pa(addr + size - 1), PoisonEnd);
    }

    /// <summary>DEBUG: 1 when a poisoned object was written to (its first POISON_END byte is not the last byte), else 0.</summary>
    [Linux("mm/slab.c", "kmem_check_poison_obj")]
    private int KmemCheckPoisonObj(KmemCache cachep, uint addr)
    {
        uint size = cachep.Objsize;
        if ((cachep.Flags & SlabFlags.RedZone) != 0)
        {
            addr += BytesPerWord;
            size -= 2 * BytesPerWord;
        }
        byte[] bytes = new byte[size];
        _kernel.Phys.Read(_kernel.Pa(addr), bytes);
        // memchr: the first POISON_END must be the final byte.
        int end = Array.IndexOf(bytes, PoisonEnd);
        if (end != size - 1)
            return 1;
        return 0;
    }

    /// <summary>
    /// Runs the destructor (and, with DEBUG, the red-zone and poison checks) on every object of
    /// a slab already unlinked from its cache, then returns its pages and, off-slab, its descriptor.
    /// </summary>
    [Linux("mm/slab.c", "kmem_slab_destroy")]
    private void KmemSlabDestroy(KmemCache cachep, SlabT slabp)
    {
        if (cachep.Dtor is not null || (Debug && (cachep.Flags & (SlabFlags.Poison | SlabFlags.RedZone)) != 0))
        {
            for (uint i = 0; i < cachep.Num; i++)
            {
                uint objp = slabp.SMem + cachep.Objsize * i;
                if (Debug && (cachep.Flags & SlabFlags.RedZone) != 0)
                {
                    if (ReadWord(objp) != RedMagic1)
                        throw new KernelPanicException("*objp != RED_MAGIC1", "kmem_slab_destroy");
                    if (ReadWord(objp + cachep.Objsize - BytesPerWord) != RedMagic1)
                        throw new KernelPanicException("*(objp + objsize - BYTES_PER_WORD) != RED_MAGIC1", "kmem_slab_destroy");
                    objp += BytesPerWord;
                }
                cachep.Dtor?.Invoke(objp, cachep, 0);
                if (Debug)
                {
                    if ((cachep.Flags & SlabFlags.RedZone) != 0)
                        objp -= BytesPerWord;
                    if ((cachep.Flags & SlabFlags.Poison) != 0 && KmemCheckPoisonObj(cachep, objp) != 0)
                        throw new KernelPanicException("kmem_check_poison_obj(cachep, objp)", "kmem_slab_destroy");
                }
            }
        }

        KmemFreepages(cachep, slabp.SMem - slabp.Colouroff);
        if (OffSlab(cachep))
            KmemCacheFree(cachep.SlabpCache!, slabp.Address);
    }

    /// <summary>
    /// Creates a cache of objects of <paramref name="size"/> bytes: picks the slab order and the
    /// number of objects per slab, decides where the slab descriptor lives, sets up colouring,
    /// and links the cache on the chain. Returns null when no slab order up to MAX_GFP_ORDER
    /// holds an object or cache_cache has no memory for the descriptor.
    /// </summary>
    /// <param name="name">Name for /proc/slabinfo; unique, shorter than 19 characters.</param>
    /// <param name="size">Object size in bytes, at least a word and at most 32 pages.</param>
    /// <param name="offset">Colour step in bytes, rounded up to the alignment; 0 means one L1 line.</param>
    /// <param name="flags">SLAB_* creation flags.</param>
    /// <param name="ctor">Run on each object when a slab is made (object address, cache, SLAB_CTOR_* flags).</param>
    /// <param name="dtor">Run on each object before a slab is released; needs a constructor.</param>
    /// <returns>The cache, or null.</returns>
    [Linux("mm/slab.c", "kmem_cache_create")]
    public KmemCache? KmemCacheCreate(string name, uint size, uint offset, uint flags,
        Action<uint, KmemCache, uint>? ctor, Action<uint, KmemCache, uint>? dtor)
    {
        const string funcNm = "kmem_create: ";
        uint leftOver, align, slabSize;

        // Misuse by the caller is a kernel bug. Port note: in_interrupt() is always false in
        // the simulation, which runs no interrupt handlers.
        if (name is null)
            throw new KernelPanicException("!name", "kmem_cache_create");
        if (name.Length >= CacheNamelen - 1)
            throw new KernelPanicException("strlen(name) >= CACHE_NAMELEN - 1", "kmem_cache_create");
        if (size < BytesPerWord)
            throw new KernelPanicException("size < BYTES_PER_WORD", "kmem_cache_create");
        if (size > (1u << MaxObjOrder) * PageConstants.PageSize)
            throw new KernelPanicException("size > (1<<MAX_OBJ_ORDER)*PAGE_SIZE", "kmem_cache_create");
        if (dtor is not null && ctor is null)
            throw new KernelPanicException("dtor && !ctor", "kmem_cache_create");
        if (offset > size)
            throw new KernelPanicException("offset > size", "kmem_cache_create");

        if (Debug)
        {
            if ((flags & SlabFlags.DebugInitial) != 0 && ctor is null)
            {
                _kernel.Printk($"{funcNm}No con, but init state check requested - {name}");
                flags &= ~SlabFlags.DebugInitial;
            }
            if ((flags & SlabFlags.Poison) != 0 && ctor is not null)
            {
                _kernel.Printk($"{funcNm}Poisoning requested, but con given - {name}");
                flags &= ~SlabFlags.Poison;
            }
            if (ForcedDebug)
            {
                // Large objects are not red-zoned: the two extra words would cost a lot of packing.
                if (size < (PageConstants.PageSize >> 3) && (flags & SlabFlags.MustHwcacheAlign) == 0)
                    flags |= SlabFlags.RedZone;
                if (ctor is null)
                    flags |= SlabFlags.Poison;
            }
        }

        // A flag the build cannot honour is a bug even when debugging is off.
        KernelPanicException.BugOn((flags & ~CreateMask) != 0, "flags & ~CREATE_MASK", "kmem_cache_create");

        // The descriptor itself is an object of cache_cache.
        uint cacheAddr = KmemCacheAlloc(CacheCache, SlabFlags.Kernel);
        if (cacheAddr == 0)
            return null;
        // Port note: the C stores ctor and dtor further down, after the slab layout is chosen;
        // here they are fixed when the descriptor is made (init-only), which nothing before that
        // point can tell apart.
        var cachep = new KmemCache(name, _nrCpus) { Address = cacheAddr, Ctor = ctor, Dtor = dtor };

        // Whole words keep red zones and on-slab bufctls aligned.
        if ((size & (BytesPerWord - 1)) != 0)
        {
            size += BytesPerWord - 1;
            size &= ~(BytesPerWord - 1);
            _kernel.Printk($"{funcNm}Forcing size word alignment - {name}");
        }

        if (Debug && (flags & SlabFlags.RedZone) != 0)
        {
            // Red zones shift the object by a word, so cache-line alignment is given up.
            flags &= ~SlabFlags.HwcacheAlign;
            size += 2 * BytesPerWord;
        }
        align = BytesPerWord;
        if ((flags & SlabFlags.HwcacheAlign) != 0)
            align = (uint)_kernel.Arch.L1CacheBytes;

        // Objects of an eighth of a page or more keep their management off the slab.
        if (size >= (PageConstants.PageSize >> 3))
            flags |= CflgsOffSlab;

        if ((flags & SlabFlags.HwcacheAlign) != 0)
        {
            // Small objects share a line: halve the alignment while two objects still fit in it.
            while (size < align / 2)
                align /= 2;
            size = (size + align - 1) & ~(align - 1);
        }

        // #region gfporder
        // Try orders from 0 up until the waste is at most an eighth of the slab, the order
        // reaches slab_break_gfp_order, or MAX_GFP_ORDER; an off-slab cache may not exceed
        // offslab_limit objects, in which case it settles on the order below.
        while (true)
        {
            bool breakFlag = false;
        calWastage:
            KmemCacheEstimate(cachep.Gfporder, size, flags, out leftOver, out uint num);
            cachep.Num = num;
            if (breakFlag)
                break;
            if (cachep.Gfporder >= MaxGfpOrder)
                break;
            if (cachep.Num == 0)
                goto next;
            if ((flags & CflgsOffSlab) != 0 && cachep.Num > OffslabLimit)
            {
                // Too many bufctls for a general cache to hold: step back one order and stop.
                cachep.Gfporder--;
                breakFlag = true;
                goto calWastage;
            }

            // More objects per slab is good, but big page blocks are hard for the buddy allocator.
            if (cachep.Gfporder >= SlabBreakGfpOrder)
                break;

            if (leftOver * 8 <= PageConstants.PageSize << (int)cachep.Gfporder)
                break;
        next:
            cachep.Gfporder++;
        }
        // #endregion

        if (cachep.Num == 0)
        {
            _kernel.Printk($"kmem_cache_create: couldn't create cache {name}.");
            KmemCacheFree(CacheCache, cacheAddr);
            return null;
        }
        slabSize = L1CacheAlign(cachep.Num * SizeofKmemBufctlT + SizeofSlabT);

        // An off-slab cache whose left-over space can hold the management moves it on-slab,
        // giving up that much colouring.
        if ((flags & CflgsOffSlab) != 0 && leftOver >= slabSize)
        {
            flags &= ~CflgsOffSlab;
            leftOver -= slabSize;
        }

        // #region colour
        // The colour step is a multiple of the alignment; the number of colours is how many
        // steps fit in the left-over bytes.
        offset += align - 1;
        offset &= ~(align - 1);
        if (offset == 0)
            offset = (uint)_kernel.Arch.L1CacheBytes;
        cachep.ColourOff = offset;
        cachep.Colour = leftOver / offset;
        // #endregion

        if (cachep.Gfporder == 0 && (flags & CflgsOffSlab) == 0)
            flags |= CflgsOptimize;

        cachep.Flags = flags;
        cachep.Gfpflags = 0;
        if ((flags & SlabFlags.CacheDma) != 0)
            cachep.Gfpflags |= Gfp.GfpDma;
        cachep.Objsize = size;
        cachep.SlabsFull.Init();
        cachep.SlabsPartial.Init();
        cachep.SlabsFree.Init();

        if ((flags & CflgsOffSlab) != 0)
            cachep.SlabpCache = KmemFindGeneralCachep(slabSize, 0);

        if (GCpucacheUp)
            EnableCpucache(cachep);

        // Names are unique; a duplicate is a bug of the caller.
        _cacheChainSem.Down();
        foreach (KmemCache pc in CacheChain.Entries<KmemCache>())
        {
            if (pc.Name == name)
            {
                _cacheChainSem.Up();
                throw new KernelPanicException("!strcmp(pc->name, name)", "kmem_cache_create");
            }
        }

        // Nobody can see the new cache yet, so it is linked without taking its lock.
        CacheChain.Add(cachep.Next);
        _cacheChainSem.Up();
        return cachep;
    }
}
