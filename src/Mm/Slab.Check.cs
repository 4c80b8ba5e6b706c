using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// Not part of slab.c: a checker of the allocator's invariants for tests and figures, and small
// read-only views of its state.
public sealed partial class Slab
{
    /// <summary>Every cache: cache_cache first, then the chain from newest to oldest (the /proc/slabinfo order).</summary>
    /// <returns>The caches.</returns>
    public IEnumerable<KmemCache> Caches()
    {
        yield return CacheCache;
        foreach (KmemCache c in CacheChain.Entries<KmemCache>())
            yield return c;
    }

    /// <summary>Finds a cache on the chain by name.</summary>
    /// <param name="name">The name as in /proc/slabinfo.</param>
    /// <returns>The cache, or null.</returns>
    public KmemCache? FindCache(string name) => Caches().FirstOrDefault(c => c.Name == name);

    /// <summary>Pages held by slabs of all caches (each slab counts 2^gfporder).</summary>
    /// <returns>Number of pages.</returns>
    public int PagesInSlabs() =>
        Caches().Sum(c => AllSlabs(c).Count() << (int)c.Gfporder);

    /// <summary>The slabs of a cache: full, then partial, then free.</summary>
    /// <param name="cachep">The cache.</param>
    /// <returns>Its slabs.</returns>
    public static IEnumerable<SlabT> AllSlabs(KmemCache cachep) =>
        cachep.SlabsFull.Entries<SlabT>()
            .Concat(cachep.SlabsPartial.Entries<SlabT>())
            .Concat(cachep.SlabsFree.Entries<SlabT>());

    /// <summary>Objects waiting in the per-CPU arrays of <paramref name="cachep"/>, all CPUs.</summary>
    /// <param name="cachep">The cache.</param>
    /// <returns>The count.</returns>
    public static uint ObjectsInCpuCaches(KmemCache cachep) =>
        (uint)cachep.Cpudata.Sum(cc => cc is null ? 0 : (int)cc.Avail);

    /// <summary>Objects of <paramref name="cachep"/> handed out and not freed: those its slabs count as in use, less the ones waiting in its per-CPU arrays.</summary>
    /// <param name="cachep">The cache.</param>
    /// <returns>The count.</returns>
    public static long ObjectsInUse(KmemCache cachep) =>
        AllSlabs(cachep).Sum(s => (long)s.Inuse) - ObjectsInCpuCaches(cachep);

    /// <summary>
    /// Pages of slabs that hold no object in use: each of their objects is free or waits in a
    /// per-CPU array. They are memory the caches keep for reuse, which kmem_cache_reap can give
    /// back, the slab's counterpart of the page-table quicklists.
    /// </summary>
    /// <returns>Number of pages.</returns>
    public int PagesHeldForReuse()
    {
        int pages = 0;
        foreach (KmemCache c in Caches())
        {
            uint bytes = PageConstants.PageSize << (int)c.Gfporder;
            foreach (SlabT slabp in AllSlabs(c))
            {
                uint start = slabp.SMem - slabp.Colouroff;
                uint parked = 0;
                foreach (CpuCache? cc in c.Cpudata)
                    for (int i = 0; cc is not null && i < cc.Avail; i++)
                        if (cc.Entry[i] - start < bytes)
                            parked++;
                if (slabp.Inuse == parked)
                    pages += 1 << (int)c.Gfporder;
            }
        }
        return pages;
    }

    /// <summary>
    /// Checks the allocator's invariants and throws <see cref="KernelPanicException"/> (where =
    /// "slab invariant") naming the first one broken:
    /// <list type="bullet">
    /// <item>the cache chain is a well-formed ring holding clock_searchp;</item>
    /// <item>each slab's free chain visits distinct indices below num and ends in BUFCTL_END, and
    /// inuse = num - its length;</item>
    /// <item>each slab is on the list its inuse says (full, partial, free);</item>
    /// <item>each slab's pages are page-aligned, marked PG_slab and map back to its cache and
    /// slab; its colour offset is a colour the cache can produce; its descriptor is where the
    /// cache's on/off-slab rule puts it; its objects end inside its pages;</item>
    /// <item>each per-CPU array holds at most limit objects, and every object that the allocator
    /// itself holds (per-CPU array entries, cache descriptors in cache_cache, kmalloc'ed
    /// per-CPU arrays, off-slab slab descriptors) is the start of an allocated object of the
    /// right cache, and no object is held twice;</item>
    /// <item>no page is marked PG_slab unless a slab owns it;</item>
    /// <item>with DEBUG: red zones read RED_MAGIC1 on free objects and RED_MAGIC2 on allocated
    /// ones; poisoned free objects are intact; STATS num_active equals the objects in use.</item>
    /// </list>
    /// </summary>
    /// <param name="handedOut">
    /// When given, every object the callers hold (kmem_cache_alloc and kmalloc results not yet
    /// freed). They must be allocated, distinct, and distinct from the allocator's own objects,
    /// and together with those they must account for every allocated object: nothing leaks.
    /// </param>
    public void CheckInvariants(IEnumerable<uint>? handedOut = null)
    {
        var allocated = new Dictionary<SlabT, bool[]>();
        var slabPages = new HashSet<int>();
        ulong totalInUse = 0;

        CheckChain();
        foreach (KmemCache cachep in Caches())
            totalInUse += CheckCache(cachep, allocated, slabPages);

        foreach (Page page in _kernel.Memory.MemMap)
        {
            if (PageFlags.PageSlab(page) && !slabPages.Contains(page.MapNr))
                Fail($"page {page.MapNr} is marked PG_slab but no slab owns it");
        }

        // Every object someone holds, and who holds it.
        var claims = new Dictionary<uint, string>();
        foreach (KmemCache cachep in Caches())
        {
            if (cachep != CacheCache)
                Claim(claims, allocated, cachep.Address, CacheCache, $"descriptor of {cachep.Name}");
            for (int cpu = 0; cpu < cachep.Cpudata.Length; cpu++)
            {
                CpuCache? cc = cachep.Cpudata[cpu];
                if (cc is null)
                    continue;
                if (cpu >= _kernel.SmpNumCpus)
                    Fail($"{cachep.Name}: per-CPU array for offline CPU {cpu}");
                if (cc.Avail > cc.Limit)
                    Fail($"{cachep.Name}: cpu {cpu} avail {cc.Avail} > limit {cc.Limit}");
                Claim(claims, allocated, cc.Address, null, $"cpu {cpu} array of {cachep.Name}");
                for (uint i = 0; i < cc.Avail; i++)
                    Claim(claims, allocated, cc.Entry[i], cachep, $"cpu {cpu} array of {cachep.Name}, entry {i}");
            }
            if (OffSlab(cachep))
            {
                foreach (SlabT slabp in AllSlabs(cachep))
                    Claim(claims, allocated, slabp.Address, cachep.SlabpCache, $"off-slab descriptor of a {cachep.Name} slab");
            }
        }
        if (handedOut is not null)
        {
            foreach (uint objp in handedOut)
                Claim(claims, allocated, objp, null, "a caller");
            if ((ulong)claims.Count != totalInUse)
                Fail($"{totalInUse} objects are allocated but only {claims.Count} are accounted for (leak)");
        }
    }

    private static void Fail(string what) => throw new KernelPanicException(what, "slab invariant");

    // Records that "who" holds objp: it must be the start of an allocated object (of cache
    // "expected" if given) and nobody else may hold it.
    private void Claim(Dictionary<uint, string> claims, Dictionary<SlabT, bool[]> allocated, uint objp, KmemCache? expected, string who)
    {
        if (!claims.TryAdd(objp, who))
            Fail($"object {objp:x8} is held twice: by {claims[objp]} and by {who}");
        Page page = ObjectPage(objp, "slab invariant");
        KmemCache? cachep = GetPageCache(page);
        SlabT? slabp = GetPageSlab(page);
        if (cachep is null || slabp is null || !allocated.TryGetValue(slabp, out bool[]? isAllocated))
        {
            Fail($"object {objp:x8} held by {who} is not in a slab");
            return;
        }
        if (expected is not null && cachep != expected)
            Fail($"object {objp:x8} held by {who} belongs to {cachep.Name}, not {expected.Name}");
        uint redZone = Debug && (cachep.Flags & SlabFlags.RedZone) != 0 ? BytesPerWord : 0;
        uint off = objp - redZone - slabp.SMem;
        if (off % cachep.Objsize != 0 || off / cachep.Objsize >= cachep.Num)
            Fail($"object {objp:x8} held by {who} is not the start of an object of {cachep.Name}");
        else if (!isAllocated[off / cachep.Objsize])
            Fail($"object {objp:x8} held by {who} is on its slab's free chain");
    }

    private void CheckChain()
    {
        int n = 0;
        bool clockFound = ClockSearchp == CacheCache;
        for (var p = CacheChain.Next; p != CacheChain; p = p.Next)
        {
            if (p.Next.Prev != p || p.Prev.Next != p)
                Fail("cache chain links are inconsistent");
            if (p.Entry<KmemCache>() == ClockSearchp)
                clockFound = true;
            if (++n > 100_000)
                Fail("cache chain does not come round");
        }
        if (!clockFound)
            Fail("clock_searchp is not on the cache chain");
    }

    // Checks a cache's lists and slabs; returns its objects in use.
    private ulong CheckCache(KmemCache cachep, Dictionary<SlabT, bool[]> allocated, HashSet<int> slabPages)
    {
        ulong inUse = 0;

        CheckList(cachep, cachep.SlabsFull, "slabs_full", s => s.Inuse == cachep.Num);
        CheckList(cachep, cachep.SlabsPartial, "slabs_partial", s => s.Inuse > 0 && s.Inuse < cachep.Num);
        CheckList(cachep, cachep.SlabsFree, "slabs_free", s => s.Inuse == 0);

        foreach (SlabT slabp in AllSlabs(cachep))
        {
            allocated[slabp] = CheckSlab(cachep, slabp, slabPages);
            inUse += slabp.Inuse;
        }

        if (Stats && cachep.NumActive != inUse)
            Fail($"{cachep.Name}: num_active {cachep.NumActive} != objects in use {inUse}");
        return inUse;
    }

    private static void CheckList(KmemCache cachep, ListHead head, string name, Func<SlabT, bool> belongs)
    {
        int n = 0;
        for (var p = head.Next; p != head; p = p.Next)
        {
            if (p.Next.Prev != p || p.Prev.Next != p)
                Fail($"{cachep.Name}: {name} links are inconsistent");
            SlabT slabp = p.Entry<SlabT>();
            if (!belongs(slabp))
                Fail($"{cachep.Name}: slab with inuse {slabp.Inuse} of {cachep.Num} is on {name}");
            if (++n > 10_000_000)
                Fail($"{cachep.Name}: {name} does not come round");
        }
    }

    // Checks one slab and returns, per object index, whether it is allocated.
    private bool[] CheckSlab(KmemCache cachep, SlabT slabp, HashSet<int> slabPages)
    {
        string who = $"{cachep.Name}: slab {slabp.SMem - slabp.Colouroff:x8}";
        var isAllocated = new bool[cachep.Num];
        Array.Fill(isAllocated, true);

        // The free chain: distinct indices below num, ending in BUFCTL_END.
        uint free = 0;
        for (uint i = slabp.Free; i != BufctlEnd; i = slabp.Bufctl[i])
        {
            if (i >= cachep.Num)
                Fail($"{who}: free chain holds index {i} >= num {cachep.Num}");
            if (!isAllocated[i])
                Fail($"{who}: free chain visits object {i} twice (a cycle)");
            isAllocated[i] = false;
            free++;
        }
        if (slabp.Inuse != cachep.Num - free)
            Fail($"{who}: inuse {slabp.Inuse} but {free} of {cachep.Num} objects on the free chain");

        // Placement: pages, colour, descriptor, objects.
        uint start = slabp.SMem - slabp.Colouroff;
        uint bytes = PageConstants.PageSize << (int)cachep.Gfporder;
        if ((start & ~PageConstants.PageMask) != 0)
            Fail($"{who}: slab memory is not page-aligned");
        uint mgmt = OffSlab(cachep) ? 0 : L1CacheAlign(cachep.Num * SizeofKmemBufctlT + SizeofSlabT);
        uint colourBytes = slabp.Colouroff - mgmt;
        if (slabp.Colouroff < mgmt || colourBytes % cachep.ColourOff != 0 ||
            colourBytes / cachep.ColourOff >= Math.Max(cachep.Colour, 1))
            Fail($"{who}: colour offset {slabp.Colouroff} is not one the cache produces");
        if (OffSlab(cachep))
        {
            Page descPage = ObjectPage(slabp.Address, "slab invariant");
            if (GetPageCache(descPage) != cachep.SlabpCache)
                Fail($"{who}: off-slab descriptor {slabp.Address:x8} is not an object of {cachep.SlabpCache?.Name}");
        }
        else if (slabp.Address != start + colourBytes)
            Fail($"{who}: on-slab descriptor at {slabp.Address:x8}, expected {start + colourBytes:x8}");
        if ((slabp.SMem & (BytesPerWord - 1)) != 0)
            Fail($"{who}: objects are not word-aligned");
        if ((ulong)slabp.SMem + (ulong)cachep.Num * cachep.Objsize > (ulong)start + bytes)
            Fail($"{who}: objects run past the slab's pages");

        int first = _kernel.VirtToPage(start).MapNr;
        for (int k = 0; k < 1 << (int)cachep.Gfporder; k++)
        {
            Page page = _kernel.Memory.MemMap[first + k];
            if (!PageFlags.PageSlab(page))
                Fail($"{who}: page {page.MapNr} is not marked PG_slab");
            if (GetPageCache(page) != cachep || GetPageSlab(page) != slabp)
                Fail($"{who}: page {page.MapNr} does not map back to this cache and slab");
            if (!slabPages.Add(page.MapNr))
                Fail($"{who}: page {page.MapNr} belongs to two slabs");
        }

        if (Debug)
            CheckDebugBytes(cachep, slabp, isAllocated, who);
        return isAllocated;
    }

    private void CheckDebugBytes(KmemCache cachep, SlabT slabp, bool[] isAllocated, string who)
    {
        for (uint i = 0; i < cachep.Num; i++)
        {
            uint objp = slabp.SMem + i * cachep.Objsize;
            if ((cachep.Flags & SlabFlags.RedZone) != 0)
            {
                uint want = isAllocated[i] ? RedMagic2 : RedMagic1;
                if (ReadWord(objp) != want || ReadWord(objp + cachep.Objsize - BytesPerWord) != want)
                    Fail($"{who}: object {i} red zone is not {want:x8}");
            }
            if (!isAllocated[i] && (cachep.Flags & SlabFlags.Poison) != 0 && KmemCheckPoisonObj(cachep, objp) != 0)
                Fail($"{who}: free object {i} poison was overwritten");
        }
    }
}
