using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Fs;

/// <summary>
/// The page cache of one object, <c>struct address_space</c> (include/linux/fs.h): its pages,
/// sorted by state onto three lists, the methods that move them to and from backing store, and the
/// regions of every process that map the object.
/// </summary>
[Linux("include/linux/fs.h", "struct address_space")]
public sealed class AddressSpace
{
    /// <summary>Creates an empty page cache (as the inode cache's constructor leaves it).</summary>
    public AddressSpace()
    {
        CleanPages = new ListHead(this);
        DirtyPages = new ListHead(this);
        LockedPages = new ListHead(this);
        ISharedLock = new SpinLock("mapping->i_shared_lock");
    }

    /// <summary>Pages whose contents match the backing store (or that have none yet), linked through <see cref="Page.List"/>.</summary>
    [Linux("include/linux/fs.h", "address_space.clean_pages")]
    public ListHead CleanPages { get; }

    /// <summary>Pages written since they were last cleaned.</summary>
    [Linux("include/linux/fs.h", "address_space.dirty_pages")]
    public ListHead DirtyPages { get; }

    /// <summary>Pages under writeback I/O.</summary>
    [Linux("include/linux/fs.h", "address_space.locked_pages")]
    public ListHead LockedPages { get; }

    /// <summary>Pages on the three lists together.</summary>
    [Linux("include/linux/fs.h", "address_space.nrpages")]
    public uint NrPages { get; set; }

    /// <summary>How pages move to and from backing store.</summary>
    [Linux("include/linux/fs.h", "address_space.a_ops")]
    public AddressSpaceOperations? AOps { get; set; }

    /// <summary>The inode that owns this cache.</summary>
    [Linux("include/linux/fs.h", "address_space.host")]
    public Inode? Host { get; set; }

    /// <summary>First of the private (MAP_PRIVATE) regions mapping the object, chained through <see cref="VmAreaStruct.VmNextShare"/>.</summary>
    [Linux("include/linux/fs.h", "address_space.i_mmap")]
    public VmAreaStruct? IMmap { get; set; }

    /// <summary>First of the shared (VM_SHARED) regions mapping the object.</summary>
    [Linux("include/linux/fs.h", "address_space.i_mmap_shared")]
    public VmAreaStruct? IMmapShared { get; set; }

    /// <summary>Guards <see cref="IMmap"/> and <see cref="IMmapShared"/>.</summary>
    [Linux("include/linux/fs.h", "address_space.i_shared_lock")]
    public SpinLock ISharedLock { get; }

    /// <summary>GFP flags for the cache's pages.</summary>
    [Linux("include/linux/fs.h", "address_space.gfp_mask")]
    public uint GfpMask { get; set; }

    /// <summary>
    /// A stand-in for the address of the structure, which the page-cache hash mixes with the page
    /// index: a serial number given when the owning inode is set up.
    /// </summary>
    /// <remarks>Port note: C hashes the pointer value; a C# object has none, so each mapping gets a
    /// number in creation order, which spreads mappings over the buckets the way consecutive inode
    /// addresses do.</remarks>
    public uint HashKey { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"address_space of inode {Host?.IIno} nrpages={NrPages}";
}
