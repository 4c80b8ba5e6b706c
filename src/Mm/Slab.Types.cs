using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm;

/// <summary>
/// A cache of objects of one size (<c>kmem_cache_t</c>, struct kmem_cache_s in mm/slab.c): its
/// three lists of slabs, the geometry every slab shares, its colouring state and its per-CPU
/// arrays of ready objects.
/// </summary>
/// <remarks>
/// Port note: the descriptor is a C# object, but like the kernel's it is paid for with memory:
/// <see cref="Slab.KmemCacheCreate"/> takes an object of <c>sizeof(kmem_cache_t)</c> bytes from
/// <c>cache_cache</c> and records its address in <see cref="Address"/>, and destroying the cache
/// gives that object back. The fields keep the kernel's names and meaning; the order of the
/// three groups (per alloc/free, per slab, per cache) follows the C struct.
/// </remarks>
[Linux("include/linux/slab.h", "kmem_cache_t")]
[Linux("mm/slab.c", "struct kmem_cache_s")]
public sealed class KmemCache
{
    internal KmemCache(string name, int nrCpus)
    {
        SlabsFull = new ListHead(this);
        SlabsPartial = new ListHead(this);
        SlabsFree = new ListHead(this);
        Next = new ListHead(this);
        Name = name;
        Spinlock = new SpinLock($"{name}->spinlock");
        Cpudata = new CpuCache?[nrCpus];
    }

    /// <summary>Slabs whose every object is allocated.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.slabs_full")]
    public ListHead SlabsFull { get; }

    /// <summary>Slabs with some objects allocated and some free; allocation tries these first.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.slabs_partial")]
    public ListHead SlabsPartial { get; }

    /// <summary>Slabs with no object allocated: the candidates for shrinking and reaping.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.slabs_free")]
    public ListHead SlabsFree { get; }

    /// <summary>Bytes per object as laid out in the slab, after word rounding, alignment and red zones.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.objsize")]
    public uint Objsize { get; internal set; }

    /// <summary>The SLAB_* creation flags plus the internal CFLGS_* bits.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.flags")]
    public uint Flags { get; internal set; }

    /// <summary>Objects per slab.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.num")]
    public uint Num { get; internal set; }

    /// <summary>Guards the slab lists and the other fields that change after creation.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.spinlock")]
    public SpinLock Spinlock { get; }

    /// <summary>How many objects move between a per-CPU array and the slabs at once.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.batchcount")]
    public uint Batchcount { get; internal set; }

    /// <summary>Each slab is 2^gfporder pages.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.gfporder")]
    public uint Gfporder { get; internal set; }

    /// <summary>GFP bits added to every page request of this cache (GFP_DMA for DMA caches).</summary>
    [Linux("mm/slab.c", "kmem_cache_t.gfpflags")]
    public uint Gfpflags { get; internal set; }

    /// <summary>Number of different colour offsets a slab can start at (left-over bytes / colour_off).</summary>
    [Linux("mm/slab.c", "kmem_cache_t.colour")]
    public uint Colour { get; internal set; }

    /// <summary>Bytes between two colours (the L1 line size unless the creator asked for another offset).</summary>
    [Linux("mm/slab.c", "kmem_cache_t.colour_off")]
    public uint ColourOff { get; internal set; }

    /// <summary>The colour the next new slab gets.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.colour_next")]
    public uint ColourNext { get; internal set; }

    /// <summary>For an off-slab cache, the general cache its slab descriptors come from.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.slabp_cache")]
    public KmemCache? SlabpCache { get; internal set; }

    /// <summary>Non-zero while kmem_cache_grow is adding a slab; shrinking and reaping keep away.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.growing")]
    public uint Growing { get; internal set; }

    /// <summary>Dynamic flags (DFLGS_GROWN), changed under the spinlock.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.dflags")]
    public uint Dflags { get; internal set; }

    /// <summary>Constructor run on each object when its slab is created: (object address, cache, SLAB_CTOR_* flags).</summary>
    [Linux("mm/slab.c", "kmem_cache_t.ctor")]
    public Action<uint, KmemCache, uint>? Ctor { get; init; }

    /// <summary>Destructor run on each object before its slab's pages go back.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.dtor")]
    public Action<uint, KmemCache, uint>? Dtor { get; init; }

    /// <summary>Cleared whenever the cache grows; nothing in 2.4.20 sets it.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.failures")]
    public uint Failures { get; internal set; }

    /// <summary>The name shown in /proc/slabinfo (shorter than CACHE_NAMELEN - 1 characters).</summary>
    [Linux("mm/slab.c", "kmem_cache_t.name")]
    public string Name { get; internal set; }

    /// <summary>Links the cache on the cache chain, whose head is cache_cache's own node.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.next")]
    public ListHead Next { get; }

    /// <summary>Per-CPU arrays of ready objects, indexed by CPU number (NR_CPUS entries); null until enabled.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.cpudata")]
    public CpuCache?[] Cpudata { get; }

    /// <summary>STATS: objects allocated from slabs and not yet given back to them.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.num_active")]
    public ulong NumActive { get; internal set; }

    /// <summary>STATS: objects ever taken from slabs.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.num_allocations")]
    public ulong NumAllocations { get; internal set; }

    /// <summary>STATS: the highest <see cref="NumActive"/> seen.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.high_mark")]
    public ulong HighMark { get; internal set; }

    /// <summary>STATS: slabs added.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.grown")]
    public ulong Grown { get; internal set; }

    /// <summary>STATS: slabs released by kmem_cache_reap.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.reaped")]
    public ulong Reaped { get; internal set; }

    /// <summary>STATS: errors (never incremented in 2.4.20).</summary>
    [Linux("mm/slab.c", "kmem_cache_t.errors")]
    public ulong Errors { get; internal set; }

    /// <summary>STATS: allocations served by a per-CPU array.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.allochit")]
    public ulong Allochit { get; internal set; }

    /// <summary>STATS: allocations that found the per-CPU array empty.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.allocmiss")]
    public ulong Allocmiss { get; internal set; }

    /// <summary>STATS: frees that fitted in the per-CPU array.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.freehit")]
    public ulong Freehit { get; internal set; }

    /// <summary>STATS: frees that found the per-CPU array full.</summary>
    [Linux("mm/slab.c", "kmem_cache_t.freemiss")]
    public ulong Freemiss { get; internal set; }

    /// <summary>Kernel virtual address of this descriptor's object in cache_cache (0 for cache_cache itself, which is static).</summary>
    public uint Address { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"kmem_cache {Name} objsize={Objsize} num={Num} order={Gfporder}";
}

/// <summary>
/// The descriptor of one slab (<c>slab_t</c>, struct slab_s): where its objects start, how many
/// are in use, and the head of the chain of free object indices.
/// </summary>
/// <remarks>
/// Port note: the descriptor and its bufctl array are C# objects, but they occupy memory exactly
/// as in the kernel: for an on-slab cache the <c>sizeof(slab_t)</c> + num * 4 bytes (rounded up
/// to an L1 line) sit at the start of the slab's pages after the colour offset, and for an
/// off-slab cache they are an object allocated from <see cref="KmemCache.SlabpCache"/>.
/// <see cref="Address"/> records where.
/// </remarks>
[Linux("mm/slab.c", "slab_t")]
[Linux("mm/slab.c", "struct slab_s")]
public sealed class SlabT
{
    internal SlabT(uint address, uint num)
    {
        List = new ListHead(this);
        Address = address;
        Bufctl = new uint[num];
    }

    /// <summary>Links the slab on its cache's full, partial or free list.</summary>
    [Linux("mm/slab.c", "slab_t.list")]
    public ListHead List { get; }

    /// <summary>Bytes from the start of the slab's pages to the first object (colour plus, on-slab, management).</summary>
    [Linux("mm/slab.c", "slab_t.colouroff")]
    public uint Colouroff { get; internal set; }

    /// <summary>Kernel virtual address of object 0.</summary>
    [Linux("mm/slab.c", "slab_t.s_mem")]
    public uint SMem { get; internal set; }

    /// <summary>Objects of this slab not on its free chain.</summary>
    [Linux("mm/slab.c", "slab_t.inuse")]
    public uint Inuse { get; internal set; }

    /// <summary>Index of the first free object, or BUFCTL_END.</summary>
    [Linux("mm/slab.c", "slab_t.free")]
    public uint Free { get; internal set; }

    /// <summary>The kmem_bufctl_t array after the descriptor: entry i is the index of the free object after object i.</summary>
    [Linux("mm/slab.c", "slab_bufctl")]
    public uint[] Bufctl { get; }

    /// <summary>Kernel virtual address where the descriptor lives (inside the slab, or an object of the slabp cache).</summary>
    public uint Address { get; }

    /// <inheritdoc/>
    public override string ToString() => $"slab at 0x{SMem - Colouroff:x8} inuse={Inuse} free={Free}";
}

/// <summary>
/// A per-CPU array of objects ready to hand out (<c>cpucache_t</c>): the count held and the
/// capacity, followed in the kernel's memory by the array of object pointers itself.
/// </summary>
/// <remarks>
/// Port note: the pointer array that C reaches with <c>cc_entry</c> is <see cref="Entry"/>. The
/// whole block is still paid for: it is kmalloc'ed with <c>sizeof(cpucache_t)</c> +
/// limit * 4 bytes, at <see cref="Address"/>.
/// </remarks>
[Linux("mm/slab.c", "cpucache_t")]
[Linux("mm/slab.c", "struct cpucache_s")]
public sealed class CpuCache
{
    internal CpuCache(uint address, uint limit)
    {
        Address = address;
        Limit = limit;
        Entry = new uint[limit];
    }

    /// <summary>Objects currently in the array.</summary>
    [Linux("mm/slab.c", "cpucache_t.avail")]
    public uint Avail { get; internal set; }

    /// <summary>Capacity of the array.</summary>
    [Linux("mm/slab.c", "cpucache_t.limit")]
    public uint Limit { get; internal set; }

    /// <summary>The objects; the first <see cref="Avail"/> entries are valid, the last one is handed out first.</summary>
    [Linux("mm/slab.c", "cc_entry")]
    public uint[] Entry { get; }

    /// <summary>Kernel virtual address of the kmalloc'ed block.</summary>
    public uint Address { get; }
}

/// <summary>One kmalloc size class (<c>cache_sizes_t</c>): the size and its normal and DMA caches.</summary>
[Linux("mm/slab.c", "cache_sizes_t")]
[Linux("mm/slab.c", "struct cache_sizes")]
public sealed class CacheSizesT
{
    internal CacheSizesT(uint size) => CsSize = size;

    /// <summary>The largest request this class serves; 0 marks the end of the table.</summary>
    [Linux("mm/slab.c", "cache_sizes_t.cs_size")]
    public uint CsSize { get; }

    /// <summary>The cache "size-N".</summary>
    [Linux("mm/slab.c", "cache_sizes_t.cs_cachep")]
    public KmemCache? CsCachep { get; internal set; }

    /// <summary>The cache "size-N(DMA)".</summary>
    [Linux("mm/slab.c", "cache_sizes_t.cs_dmacachep")]
    public KmemCache? CsDmacachep { get; internal set; }
}

/// <summary>
/// The message passed to every CPU when a cache's per-CPU arrays are swapped
/// (<c>ccupdate_struct_t</c>): the cache, and one array per CPU going in (and, after the swap,
/// the old one coming out).
/// </summary>
[Linux("mm/slab.c", "ccupdate_struct_t")]
internal sealed class CcupdateStruct
{
    internal CcupdateStruct(KmemCache cachep, int nrCpus)
    {
        Cachep = cachep;
        New = new CpuCache?[nrCpus];
    }

    [Linux("mm/slab.c", "ccupdate_struct_t.cachep")]
    internal KmemCache Cachep { get; }

    [Linux("mm/slab.c", "ccupdate_struct_t.new")]
    internal CpuCache?[] New { get; }
}
