using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Proc;

namespace LinuxVm.Mm;

// The address-space files of mm/ (mmap.c, mprotect.c, mremap.c, mlock.c), the system-call entry
// points a process uses, and the per-process /proc files that show the result. The constructor
// in Kernel.cs creates them all.
public sealed partial class Kernel
{
    /// <summary>mm/mmap.c: regions, mmap, munmap, brk.</summary>
    public Mmap Mmap { get; }

    /// <summary>mm/mprotect.c: changing the protection of a range.</summary>
    public Mprotect Mprotect { get; }

    /// <summary>mm/mremap.c: growing, shrinking and moving a mapping.</summary>
    public Mremap Mremap { get; }

    /// <summary>mm/mlock.c: locking ranges in memory.</summary>
    public Mlock Mlock { get; }

    /// <summary>The memory system calls, made as the current task.</summary>
    public Syscalls Syscalls { get; }

    /// <summary>fs/proc/array.c: /proc/&lt;pid&gt;/maps and /proc/&lt;pid&gt;/status.</summary>
    public ProcPid ProcPid { get; }
}
