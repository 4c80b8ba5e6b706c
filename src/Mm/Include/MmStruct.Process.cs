namespace LinuxVm.Mm.Include;

// The process half of struct mm_struct (include/linux/sched.h): reference counts, the list of
// all address spaces, the layout of the program's segments and the counters that /proc and the
// OOM killer read. The VMA list and tree are added beside the port of mm/mmap.c.
public sealed partial class MmStruct
{
    /// <summary>Creates a zeroed descriptor (what <c>memset</c> leaves in <c>mm_alloc</c>), with a free mmap_sem.</summary>
    /// <param name="kernel">The kernel whose tasks will use it (its semaphore sleeps them).</param>
    public MmStruct(Kernel kernel)
    {
        Mmlist = new ListHead(this);
        MmapSem = new KernelModel.RwSemaphore(kernel, "mm->mmap_sem");
    }

    /// <summary>Tasks using this address space as their user space (threads count one each).</summary>
    [Linux("include/linux/sched.h", "mm_struct.mm_users")]
    public int MmUsers { get; set; }

    /// <summary>References to the descriptor itself: all users together count one, plus each lazy-TLB borrower.</summary>
    [Linux("include/linux/sched.h", "mm_struct.mm_count")]
    public int MmCount { get; set; }

    /// <summary>Link on the list of every active address space, headed at init_mm.mmlist (swap_out walks it).</summary>
    [Linux("include/linux/sched.h", "mm_struct.mmlist")]
    public ListHead Mmlist { get; }

    /// <summary>First and one-past-last address of the program text.</summary>
    [Linux("include/linux/sched.h", "mm_struct.start_code")]
    public uint StartCode { get; set; }

    /// <inheritdoc cref="StartCode"/>
    [Linux("include/linux/sched.h", "mm_struct.end_code")]
    public uint EndCode { get; set; }

    /// <summary>First and one-past-last address of the initialised data.</summary>
    [Linux("include/linux/sched.h", "mm_struct.start_data")]
    public uint StartData { get; set; }

    /// <inheritdoc cref="StartData"/>
    [Linux("include/linux/sched.h", "mm_struct.end_data")]
    public uint EndData { get; set; }

    /// <summary>Where the heap began (just past bss) and where it ends now (moved by brk).</summary>
    [Linux("include/linux/sched.h", "mm_struct.start_brk")]
    public uint StartBrk { get; set; }

    /// <inheritdoc cref="StartBrk"/>
    [Linux("include/linux/sched.h", "mm_struct.brk")]
    public uint Brk { get; set; }

    /// <summary>Top of the initial user stack, set by exec.</summary>
    [Linux("include/linux/sched.h", "mm_struct.start_stack")]
    public uint StartStack { get; set; }

    /// <summary>Bounds of the argument strings on the stack.</summary>
    [Linux("include/linux/sched.h", "mm_struct.arg_start")]
    public uint ArgStart { get; set; }

    /// <inheritdoc cref="ArgStart"/>
    [Linux("include/linux/sched.h", "mm_struct.arg_end")]
    public uint ArgEnd { get; set; }

    /// <summary>Bounds of the environment strings on the stack.</summary>
    [Linux("include/linux/sched.h", "mm_struct.env_start")]
    public uint EnvStart { get; set; }

    /// <inheritdoc cref="EnvStart"/>
    [Linux("include/linux/sched.h", "mm_struct.env_end")]
    public uint EnvEnd { get; set; }

    /// <summary>Pages of this space present in memory (resident set), protected by <see cref="PageTableLock"/>.</summary>
    [Linux("include/linux/sched.h", "mm_struct.rss")]
    public uint Rss { get; set; }

    /// <summary>Pages covered by all the VMAs: the size /proc calls VmSize and the OOM killer's starting score.</summary>
    [Linux("include/linux/sched.h", "mm_struct.total_vm")]
    public uint TotalVm { get; set; }

    /// <summary>Pages covered by VM_LOCKED VMAs (VmLck).</summary>
    [Linux("include/linux/sched.h", "mm_struct.locked_vm")]
    public uint LockedVm { get; set; }

    /// <summary>Flags every new VMA gets (VM_LOCKED after mlockall(MCL_FUTURE)).</summary>
    [Linux("include/linux/sched.h", "mm_struct.def_flags")]
    public uint DefFlags { get; set; }

    /// <summary>Bit n set when CPU n may hold TLB entries of this space.</summary>
    [Linux("include/linux/sched.h", "mm_struct.cpu_vm_mask")]
    public uint CpuVmMask { get; set; }

    /// <summary>Where swap_out resumes scanning this space.</summary>
    [Linux("include/linux/sched.h", "mm_struct.swap_address")]
    public uint SwapAddress { get; set; }

    /// <summary>Whether a core dump of this space is allowed.</summary>
    [Linux("include/linux/sched.h", "mm_struct.dumpable")]
    public bool Dumpable { get; set; }
}
