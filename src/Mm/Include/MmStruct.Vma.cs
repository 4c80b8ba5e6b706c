using LinuxVm.Mm.Lib;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Include;

// The VMA half of struct mm_struct (include/linux/sched.h): the regions of the address space,
// kept twice (a sorted list for walking, a red-black tree for lookup), the one-entry lookup
// cache, their count and the semaphore that serialises changes to them. mm/mmap.c owns them.
public sealed partial class MmStruct
{
    /// <summary>The regions of the address space, sorted by address, linked by <see cref="VmAreaStruct.VmNext"/>.</summary>
    [Linux("include/linux/sched.h", "mm_struct.mmap")]
    public VmAreaStruct? Mmap { get; set; }

    /// <summary>The same regions in a red-black tree keyed by address range.</summary>
    [Linux("include/linux/sched.h", "mm_struct.mm_rb")]
    public RbRoot MmRb { get; } = new();

    /// <summary>The region find_vma returned last: the next lookup tries it first.</summary>
    [Linux("include/linux/sched.h", "mm_struct.mmap_cache")]
    public VmAreaStruct? MmapCache { get; set; }

    /// <summary>Number of regions on <see cref="Mmap"/>.</summary>
    [Linux("include/linux/sched.h", "mm_struct.map_count")]
    public int MapCount { get; set; }

    /// <summary>Taken for writing by everything that adds, removes or changes regions; for reading by the fault path.</summary>
    [Linux("include/linux/sched.h", "mm_struct.mmap_sem")]
    public KernelModel.RwSemaphore MmapSem { get; }
}
