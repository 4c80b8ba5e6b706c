using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Fs;
using LinuxVm.Mm.Lib;

namespace LinuxVm.Mm.Include;

/// <summary>
/// One memory region of a process, <c>struct vm_area_struct</c> (include/linux/mm.h): a range of
/// virtual addresses with one set of permissions and one rule for the fault handler. The regions of
/// an address space are kept on a sorted list (<see cref="VmNext"/>) and in a red-black tree
/// (<see cref="VmRb"/>) for lookup.
/// </summary>
[Linux("include/linux/mm.h", "struct vm_area_struct")]
public sealed class VmAreaStruct
{
    // An empty region with no storage yet: Fork.VmAreaAlloc makes every region, with its slab object.
    internal VmAreaStruct() => VmRb = new RbNode(this);

    /// <summary>
    /// Bytes of a <c>struct vm_area_struct</c> on i386: thirteen 4-byte pointers, addresses and
    /// flags, and the 16-byte rb_node_t. The vm_area_struct cache is made for it.
    /// </summary>
    public const uint SizeOf = 68;

    /// <summary>Kernel virtual address of the region's object in the vm_area_struct cache.</summary>
    /// <remarks>Port note: C's region *is* those 68 bytes; here the slab allocator hands out the
    /// storage and the fields stay in this object. The address is cleared when the object is freed.</remarks>
    public uint Objp { get; internal set; }

    /// <summary>The address space the region belongs to.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_mm")]
    public MmStruct VmMm { get; set; } = null!;

    /// <summary>First address of the region (page aligned).</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_start")]
    public uint VmStart { get; set; }

    /// <summary>First address past the region (page aligned).</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_end")]
    public uint VmEnd { get; set; }

    /// <summary>The next region up in the address space, or null.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_next")]
    public VmAreaStruct? VmNext { get; set; }

    /// <summary>The pte protection bits that new mappings in the region get.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_page_prot")]
    public Pgprot VmPageProt { get; set; }

    /// <summary>The VM_* flags (<see cref="VmFlags"/>).</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_flags")]
    public uint VmFlags { get; set; }

    /// <summary>The region's node in the address space's red-black tree.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_rb")]
    public RbNode VmRb { get; }

    /// <summary>Next region sharing the same backing object (the file's i_mmap list), or null.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_next_share")]
    public VmAreaStruct? VmNextShare { get; set; }

    /// <summary>The link that points at this region on its file's share list: the list head, or the previous region's <see cref="VmNextShare"/>.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_pprev_share")]
    public ShareSlot VmPprevShare { get; set; }

    /// <summary>What the fault handler calls for this region; null for anonymous memory.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_ops")]
    public VmOperationsStruct? VmOps { get; set; }

    /// <summary>Offset of <see cref="VmStart"/> in the backing object, in pages.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_pgoff")]
    public uint VmPgoff { get; set; }

    /// <summary>The file mapped (for shared anonymous memory, its shmem file), or null.</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_file")]
    public Fs.File? VmFile { get; set; }

    /// <summary>Private data of the region's owner (shared memory keeps its segment here).</summary>
    [Linux("include/linux/mm.h", "vm_area_struct.vm_private_data")]
    public object? VmPrivateData { get; set; }

    // *n = *vma, C's struct assignment: every field is copied into the freshly allocated n, which
    // keeps its own storage and tree node. Splitting (mprotect, mlock, mremap) and fork (dup_mmap)
    // start from it.
    internal void CopyTo(VmAreaStruct n)
    {
        n.VmMm = VmMm;
        n.VmStart = VmStart;
        n.VmEnd = VmEnd;
        n.VmNext = VmNext;
        n.VmPageProt = VmPageProt;
        n.VmFlags = VmFlags;
        n.VmNextShare = VmNextShare;
        n.VmPprevShare = VmPprevShare;
        n.VmOps = VmOps;
        n.VmPgoff = VmPgoff;
        n.VmFile = VmFile;
        n.VmPrivateData = VmPrivateData;
    }

    /// <inheritdoc/>
    public override string ToString() => $"vma {VmStart:x8}-{VmEnd:x8} flags 0x{VmFlags:x}";
}

/// <summary>
/// A <c>struct vm_area_struct **</c> into a file's share list: the head of the mapping's
/// <c>i_mmap</c> or <c>i_mmap_shared</c> list, or the <c>vm_next_share</c> field of the region
/// before. Reading and writing through it is what the C does with <c>*vma-&gt;vm_pprev_share</c>.
/// </summary>
/// <remarks>Port note: C stores the address of the pointer; C# has no such address for a
/// property, so the slot names its owner instead.</remarks>
/// <param name="Mapping">The mapping whose list head this is, when <paramref name="Prev"/> is null.</param>
/// <param name="Shared">True for the i_mmap_shared head, false for i_mmap.</param>
/// <param name="Prev">The region whose vm_next_share this is, or null for a list head.</param>
public readonly record struct ShareSlot(AddressSpace? Mapping, bool Shared, VmAreaStruct? Prev)
{
    /// <summary>The head of <paramref name="mapping"/>'s shared or private list.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="shared">The i_mmap_shared list rather than i_mmap.</param>
    public static ShareSlot Head(AddressSpace mapping, bool shared) => new(mapping, shared, null);

    /// <summary>The vm_next_share field of <paramref name="vma"/>.</summary>
    /// <param name="vma">The region.</param>
    public static ShareSlot After(VmAreaStruct vma) => new(null, false, vma);

    /// <summary>The region the slot points at.</summary>
    public VmAreaStruct? Get() =>
        Prev != null ? Prev.VmNextShare : Shared ? Mapping!.IMmapShared : Mapping!.IMmap;

    /// <summary>Makes the slot point at <paramref name="vma"/>.</summary>
    /// <param name="vma">The region, or null.</param>
    public void Set(VmAreaStruct? vma)
    {
        if (Prev != null)
            Prev.VmNextShare = vma;
        else if (Shared)
            Mapping!.IMmapShared = vma;
        else
            Mapping!.IMmap = vma;
    }
}

/// <summary>
/// The operations a region's owner provides, <c>struct vm_operations_struct</c>
/// (include/linux/mm.h). The page cache, shared memory and drivers plug into the fault path
/// through <see cref="Nopage"/>.
/// </summary>
[Linux("include/linux/mm.h", "struct vm_operations_struct")]
public sealed class VmOperationsStruct
{
    /// <summary>Called when a region is duplicated (fork) or split.</summary>
    [Linux("include/linux/mm.h", "vm_operations_struct.open")]
    public Action<VmAreaStruct>? Open { get; init; }

    /// <summary>Called when a region is unmapped.</summary>
    [Linux("include/linux/mm.h", "vm_operations_struct.close")]
    public Action<VmAreaStruct>? Close { get; init; }

    /// <summary>
    /// Supplies the page for a fault at a page-aligned address, with a reference taken for the
    /// caller: null for "no page, SIGBUS", <see cref="NopageResult.Oom"/> for out of memory.
    /// </summary>
    [Linux("include/linux/mm.h", "vm_operations_struct.nopage")]
    public Func<VmAreaStruct, uint, int, NopageResult>? Nopage { get; init; }
}

/// <summary>What a nopage method returns: a page, nothing (NULL, the fault becomes SIGBUS) or NOPAGE_OOM.</summary>
/// <param name="Page">The page, or null.</param>
/// <param name="IsOom">True for <c>NOPAGE_OOM</c>.</param>
public readonly record struct NopageResult(Page? Page, bool IsOom)
{
    /// <summary>No page could be supplied: the fault ends in SIGBUS (<c>NOPAGE_SIGBUS</c>, NULL).</summary>
    [Linux("include/linux/mm.h", "NOPAGE_SIGBUS")]
    public static NopageResult Sigbus => default;

    /// <summary>The page could not be allocated (<c>NOPAGE_OOM</c>).</summary>
    [Linux("include/linux/mm.h", "NOPAGE_OOM")]
    public static NopageResult Oom => new(null, true);

    /// <summary>A page found or made for the fault.</summary>
    /// <param name="page">The page, with a reference for the caller.</param>
    public static implicit operator NopageResult(Page page) => new(page, false);
}

/// <summary>The region flags of include/linux/mm.h (<c>vm_area_struct.vm_flags</c>).</summary>
public static class VmFlags
{
    /// <summary>Readable now.</summary>
    [Linux("include/linux/mm.h", "VM_READ")] public const uint Read = 0x00000001;
    /// <summary>Writable now.</summary>
    [Linux("include/linux/mm.h", "VM_WRITE")] public const uint Write = 0x00000002;
    /// <summary>Executable now.</summary>
    [Linux("include/linux/mm.h", "VM_EXEC")] public const uint Exec = 0x00000004;
    /// <summary>Writes are seen by every mapper (MAP_SHARED and writable).</summary>
    [Linux("include/linux/mm.h", "VM_SHARED")] public const uint Shared = 0x00000008;
    /// <summary>mprotect may make the region readable.</summary>
    [Linux("include/linux/mm.h", "VM_MAYREAD")] public const uint MayRead = 0x00000010;
    /// <summary>mprotect may make the region writable.</summary>
    [Linux("include/linux/mm.h", "VM_MAYWRITE")] public const uint MayWrite = 0x00000020;
    /// <summary>mprotect may make the region executable.</summary>
    [Linux("include/linux/mm.h", "VM_MAYEXEC")] public const uint MayExec = 0x00000040;
    /// <summary>Mapped MAP_SHARED (even if read-only).</summary>
    [Linux("include/linux/mm.h", "VM_MAYSHARE")] public const uint MayShare = 0x00000080;
    /// <summary>A stack: grows down when touched just below its start.</summary>
    [Linux("include/linux/mm.h", "VM_GROWSDOWN")] public const uint GrowsDown = 0x00000100;
    /// <summary>Grows up (unused on i386).</summary>
    [Linux("include/linux/mm.h", "VM_GROWSUP")] public const uint GrowsUp = 0x00000200;
    /// <summary>System V shared memory.</summary>
    [Linux("include/linux/mm.h", "VM_SHM")] public const uint Shm = 0x00000400;
    /// <summary>The mapped file may not be written (ETXTBSY).</summary>
    [Linux("include/linux/mm.h", "VM_DENYWRITE")] public const uint DenyWrite = 0x00000800;
    /// <summary>Maps the program's executable.</summary>
    [Linux("include/linux/mm.h", "VM_EXECUTABLE")] public const uint Executable = 0x00001000;
    /// <summary>mlocked: pages stay resident.</summary>
    [Linux("include/linux/mm.h", "VM_LOCKED")] public const uint Locked = 0x00002000;
    /// <summary>Device memory: not to be touched by get_user_pages or core dumps.</summary>
    [Linux("include/linux/mm.h", "VM_IO")] public const uint Io = 0x00004000;
    /// <summary>madvise(MADV_SEQUENTIAL).</summary>
    [Linux("include/linux/mm.h", "VM_SEQ_READ")] public const uint SeqRead = 0x00008000;
    /// <summary>madvise(MADV_RANDOM).</summary>
    [Linux("include/linux/mm.h", "VM_RAND_READ")] public const uint RandRead = 0x00010000;
    /// <summary>Not copied into the child on fork.</summary>
    [Linux("include/linux/mm.h", "VM_DONTCOPY")] public const uint DontCopy = 0x00020000;
    /// <summary>mremap may not grow it.</summary>
    [Linux("include/linux/mm.h", "VM_DONTEXPAND")] public const uint DontExpand = 0x00040000;
    /// <summary>swap_out leaves it alone.</summary>
    [Linux("include/linux/mm.h", "VM_RESERVED")] public const uint Reserved = 0x00080000;
    /// <summary>The flags of a fresh stack: readable, writable, executable, the MAY bits and GROWSDOWN.</summary>
    [Linux("include/linux/mm.h", "VM_STACK_FLAGS")] public const uint StackFlags = 0x00000177;
}
