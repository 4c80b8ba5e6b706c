using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Proc;

namespace LinuxVm.Mm;

// The address-space files of mm/ (mmap.c, mprotect.c, mremap.c, mlock.c), the system-call entry
// points a process uses, and the per-process /proc files that show the result.
public sealed partial class Kernel
{
    private Mmap? _mmap;
    private Mprotect? _mprotect;
    private Mremap? _mremap;
    private Mlock? _mlock;
    private Syscalls? _syscalls;
    private ProcPid? _procPid;

    /// <summary>mm/mmap.c: regions, mmap, munmap, brk.</summary>
    public Mmap Mmap => _mmap ??= new Mmap(this);

    /// <summary>mm/mprotect.c: changing the protection of a range.</summary>
    public Mprotect Mprotect => _mprotect ??= new Mprotect(this);

    /// <summary>mm/mremap.c: growing, shrinking and moving a mapping.</summary>
    public Mremap Mremap => _mremap ??= new Mremap(this);

    /// <summary>mm/mlock.c: locking ranges in memory.</summary>
    public Mlock Mlock => _mlock ??= new Mlock(this);

    /// <summary>The memory system calls, made as the current task.</summary>
    public Syscalls Syscalls => _syscalls ??= new Syscalls(this);

    /// <summary>fs/proc/array.c: /proc/&lt;pid&gt;/maps and /proc/&lt;pid&gt;/status.</summary>
    public ProcPid ProcPid => _procPid ??= new ProcPid(this);
}
