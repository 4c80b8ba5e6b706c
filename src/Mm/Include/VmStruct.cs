namespace LinuxVm.Mm.Include;

/// <summary>
/// One area of the vmalloc address range, <c>struct vm_struct</c> (include/linux/vmalloc.h). The
/// areas form a singly linked list, <c>vmlist</c>, sorted by address; <see cref="Size"/> includes
/// the unmapped guard page that follows every area.
/// </summary>
[Linux("include/linux/vmalloc.h", "struct vm_struct")]
public sealed class VmStruct
{
    /// <summary>The area was made by ioremap.</summary>
    [Linux("include/linux/vmalloc.h", "VM_IOREMAP")] public const uint VmIoremap = 0x00000001;
    /// <summary>The area was made by vmalloc and owns its pages.</summary>
    [Linux("include/linux/vmalloc.h", "VM_ALLOC")] public const uint VmAlloc = 0x00000002;

    /// <summary>Bytes of a <c>struct vm_struct</c> on i386 (four 32-bit fields), what kmalloc is asked for.</summary>
    public const uint SizeOf = 16;

    /// <summary><see cref="VmIoremap"/> or <see cref="VmAlloc"/>.</summary>
    [Linux("include/linux/vmalloc.h", "vm_struct.flags")]
    public uint Flags { get; set; }

    /// <summary>Kernel virtual address of the area (page aligned).</summary>
    [Linux("include/linux/vmalloc.h", "vm_struct.addr")]
    public uint Addr { get; set; }

    /// <summary>Bytes of the area, guard page included.</summary>
    [Linux("include/linux/vmalloc.h", "vm_struct.size")]
    public uint Size { get; set; }

    /// <summary>The next area by address, or null.</summary>
    [Linux("include/linux/vmalloc.h", "vm_struct.next")]
    public VmStruct? Next { get; set; }

    /// <summary>Kernel virtual address of the 16 bytes kmalloc gave for this descriptor.</summary>
    /// <remarks>Port note: C's descriptor *is* those bytes; here they are charged to the slab
    /// allocator while the fields stay in this object.</remarks>
    public uint Objp { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"vm_struct 0x{Addr:x8}-0x{Addr + Size:x8} flags={Flags}";
}
