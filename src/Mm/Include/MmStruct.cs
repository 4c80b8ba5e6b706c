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
    /// <summary>Kernel virtual address of the page global directory (the page that cr3 points at).</summary>
    [Linux("include/linux/sched.h", "mm_struct.pgd")]
    public uint Pgd { get; set; }

    /// <summary>Protects the page tables and rss.</summary>
    [Linux("include/linux/sched.h", "mm_struct.page_table_lock")]
    public SpinLock PageTableLock { get; } = new("mm->page_table_lock");
}
