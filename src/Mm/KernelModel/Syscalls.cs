using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// The memory system calls as a process makes them: each runs as the current task (use
/// <see cref="Simulation.Driver.RunAs(TaskStruct, Action)"/> to pick the task) and returns what the kernel returns to user space:
/// an address, 0, or a negated errno. mmap is the i386 entry of arch/i386/kernel/sys_i386.c;
/// the others go straight to their mm/ files.
/// </summary>
/// <remarks>An address-returning call signals an error with a value in the last page of the
/// address space (-4095 to -1 as unsigned); <see cref="IsError"/> tests for it, as libc does.</remarks>
public sealed class Syscalls
{
    private readonly Kernel _kernel;

    /// <summary>Creates the entry points of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Syscalls(Kernel kernel) => _kernel = kernel;

    /// <summary>Whether an address-returning call failed (its result is -errno).</summary>
    /// <param name="ret">The call's result.</param>
    public static bool IsError(uint ret) => ret > unchecked((uint)-4096);

    // The common body of mmap and mmap2: exec-only flags are dropped, a file descriptor is looked
    // up unless the mapping is anonymous, and do_mmap_pgoff runs under mmap_sem.
    [Linux("arch/i386/kernel/sys_i386.c", "do_mmap2")]
    private uint DoMmap2(uint addr, uint len, uint prot, uint flags, int fd, uint pgoff)
    {
        uint error = unchecked((uint)-Errno.Ebadf);
        Fs.File? file = null;

        flags &= ~(Mman.MapExecutable | Mman.MapDenywrite);
        if ((flags & Mman.MapAnonymous) == 0)
        {
            // Port note: there are no files (no VFS), so every descriptor is a bad one.
            _ = fd;
            if (file == null)
                return error;
        }

        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();
        error = _kernel.Mmap.DoMmapPgoff(file, addr, len, prot, flags, pgoff);
        mm.MmapSem.UpWrite();
        return error;
    }

    /// <summary>mmap2: maps with the offset given in pages.</summary>
    /// <param name="addr">Wanted address (0: anywhere).</param>
    /// <param name="len">Length in bytes.</param>
    /// <param name="prot">PROT_* bits.</param>
    /// <param name="flags">MAP_* bits (MAP_ANONYMOUS for memory without a file).</param>
    /// <param name="fd">File descriptor (ignored for anonymous maps).</param>
    /// <param name="pgoff">Offset in pages.</param>
    [Linux("arch/i386/kernel/sys_i386.c", "sys_mmap2")]
    public uint Mmap2(uint addr, uint len, uint prot, uint flags, int fd = -1, uint pgoff = 0) =>
        DoMmap2(addr, len, prot, flags, fd, pgoff);

    /// <summary>mmap: maps with a byte offset, which must be page aligned (-EINVAL otherwise).</summary>
    /// <param name="addr">Wanted address (0: anywhere).</param>
    /// <param name="len">Length in bytes.</param>
    /// <param name="prot">PROT_* bits.</param>
    /// <param name="flags">MAP_* bits (MAP_ANONYMOUS for memory without a file).</param>
    /// <param name="fd">File descriptor (ignored for anonymous maps).</param>
    /// <param name="offset">Offset in bytes.</param>
    /// <remarks>Port note: i386's old_mmap reads its six arguments from a block in user memory; here they are passed directly.</remarks>
    [Linux("arch/i386/kernel/sys_i386.c", "old_mmap")]
    public uint Mmap(uint addr, uint len, uint prot, uint flags, int fd = -1, uint offset = 0)
    {
        if ((offset & ~PageMask) != 0)
            return unchecked((uint)-Errno.Einval);
        return DoMmap2(addr, len, prot, flags, fd, offset >> PageShift);
    }

    /// <summary>munmap.</summary>
    /// <param name="addr">Start, page aligned.</param>
    /// <param name="len">Length in bytes.</param>
    public int Munmap(uint addr, uint len) => _kernel.Mmap.SysMunmap(addr, len);

    /// <summary>brk: returns the new (or unchanged) end of the heap.</summary>
    /// <param name="brk">The wanted end. A value below end_code only asks (libc's brk(0) is one);
    /// in an address space with no program loaded (<see cref="Simulation.Driver.Spawn"/> without a program image),
    /// end_code is 0, so brk(0) there shrinks the heap to nothing, as sys_brk decides.</param>
    public uint Brk(uint brk) => _kernel.Mmap.SysBrk(brk);

    /// <summary>mprotect.</summary>
    /// <param name="start">Start, page aligned.</param>
    /// <param name="len">Length in bytes.</param>
    /// <param name="prot">PROT_* bits.</param>
    public int Mprotect(uint start, uint len, uint prot) => _kernel.Mprotect.SysMprotect(start, len, prot);

    /// <summary>mremap: returns the mapping's (possibly new) address or -errno.</summary>
    /// <param name="addr">Start of the mapping.</param>
    /// <param name="oldLen">Old length.</param>
    /// <param name="newLen">New length.</param>
    /// <param name="flags">MREMAP_MAYMOVE, MREMAP_FIXED.</param>
    /// <param name="newAddr">Target with MREMAP_FIXED.</param>
    public uint Mremap(uint addr, uint oldLen, uint newLen, uint flags = 0, uint newAddr = 0) =>
        _kernel.Mremap.SysMremap(addr, oldLen, newLen, flags, newAddr);

    /// <summary>mlock.</summary>
    /// <param name="start">Start.</param>
    /// <param name="len">Length in bytes.</param>
    public int Mlock(uint start, uint len) => _kernel.Mlock.SysMlock(start, len);

    /// <summary>munlock.</summary>
    /// <param name="start">Start.</param>
    /// <param name="len">Length in bytes.</param>
    public int Munlock(uint start, uint len) => _kernel.Mlock.SysMunlock(start, len);

    /// <summary>mlockall.</summary>
    /// <param name="flags">MCL_CURRENT and/or MCL_FUTURE.</param>
    public int Mlockall(int flags) => _kernel.Mlock.SysMlockall(flags);

    /// <summary>munlockall.</summary>
    public int Munlockall() => _kernel.Mlock.SysMunlockall();
}
