using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Include;

/// <summary>
/// A memory descriptor, <c>struct mm_struct</c> (include/linux/sched.h): one address space, with
/// its page directory. The kernel's own address space is <see cref="Kernel.InitMm"/>.
/// </summary>
/// <remarks>Partial: the process half (VMAs, counters) lives beside the port of mm/mmap.c.</remarks>
[Linux("include/linux/sched.h", "struct mm_struct")]
public sealed partial class MmStruct
{
    /// <summary>
    /// Bytes of a <c>struct mm_struct</c> on i386 (SMP, PAE or not): seven pointers and counts (28),
    /// the XADD rw_semaphore (16), the spinlock (4), the mmlist (8), seventeen addresses and
    /// counters from start_code to swap_address (68), the dumpable bit field (4) and the LDT
    /// context (8). The mm_struct cache is made for it.
    /// </summary>
    public const uint SizeOf = 136;

    /// <summary>Kernel virtual address of the descriptor's object in the mm_struct cache; 0 for init_mm, which is static.</summary>
    /// <remarks>Port note: C's descriptor *is* those bytes; here the slab allocator hands out the
    /// storage and the fields stay in this object. The address is cleared when the object is freed.</remarks>
    public uint Objp { get; internal set; }

    /// <summary>Kernel virtual address of the page global directory (the page that cr3 points at).</summary>
    [Linux("include/linux/sched.h", "mm_struct.pgd")]
    public uint Pgd { get; set; }

    /// <summary>Protects the page tables and rss.</summary>
    [Linux("include/linux/sched.h", "mm_struct.page_table_lock")]
    public SpinLock PageTableLock { get; } = new("mm->page_table_lock");
}
