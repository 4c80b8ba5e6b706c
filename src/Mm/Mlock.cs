using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm;

/// <summary>
/// The port of mm/mlock.c: mlock, munlock, mlockall and munlockall. Locking sets VM_LOCKED on the
/// regions of a range (splitting them at its ends) and faults every page in; a locked page is one
/// that reclaim leaves alone. locked_vm counts the locked pages, and RLIMIT_MEMLOCK caps it.
/// </summary>
/// <remarks>Unlike mprotect, mlock never merges regions back together: a munlock of the middle of
/// a locked region leaves three regions.</remarks>
public sealed class Mlock
{
    private readonly Kernel _kernel;

    /// <summary>Creates this file's state for <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel that owns it.</param>
    public Mlock(Kernel kernel) => _kernel = kernel;

    private Mmap Mmap => _kernel.Mmap;

    [Linux("mm/mlock.c", "mlock_fixup_all")]
    private static int MlockFixupAll(VmAreaStruct vma, uint newflags)
    {
        vma.VmMm.PageTableLock.Lock();
        vma.VmFlags = newflags;
        vma.VmMm.PageTableLock.Unlock();
        return 0;
    }

    // The lower part [vma.start, end) becomes a new region with the new flags.
    [Linux("mm/mlock.c", "mlock_fixup_start")]
    private int MlockFixupStart(VmAreaStruct vma, uint end, uint newflags)
    {
        // No memory for the new region is -EAGAIN here, not -ENOMEM: the caller may try again.
        VmAreaStruct? n = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (n == null)
            return -Errno.Eagain;
        vma.CopyTo(n);
        n.VmEnd = end;
        n.VmFlags = newflags;
        n.VmFile?.GetFile();
        n.VmOps?.Open?.Invoke(n);
        vma.VmPgoff += (end - vma.VmStart) >> PageShift;
        Mmap.LockVmaMappings(vma);
        vma.VmMm.PageTableLock.Lock();
        vma.VmStart = end;
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, n);
        vma.VmMm.PageTableLock.Unlock();
        Mmap.UnlockVmaMappings(vma);
        return 0;
    }

    // The upper part [start, vma.end) becomes a new region with the new flags.
    [Linux("mm/mlock.c", "mlock_fixup_end")]
    private int MlockFixupEnd(VmAreaStruct vma, uint start, uint newflags)
    {
        VmAreaStruct? n = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (n == null)
            return -Errno.Eagain;
        vma.CopyTo(n);
        n.VmStart = start;
        n.VmPgoff += (n.VmStart - vma.VmStart) >> PageShift;
        n.VmFlags = newflags;
        n.VmFile?.GetFile();
        n.VmOps?.Open?.Invoke(n);
        Mmap.LockVmaMappings(vma);
        vma.VmMm.PageTableLock.Lock();
        vma.VmEnd = start;
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, n);
        vma.VmMm.PageTableLock.Unlock();
        Mmap.UnlockVmaMappings(vma);
        return 0;
    }

    // The region keeps the middle [start, end) with the new flags; two new regions take the ends.
    [Linux("mm/mlock.c", "mlock_fixup_middle")]
    private int MlockFixupMiddle(VmAreaStruct vma, uint start, uint end, uint newflags)
    {
        VmAreaStruct? left = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (left == null)
            return -Errno.Eagain;
        VmAreaStruct? right = _kernel.Fork.VmAreaAlloc(SlabFlags.Kernel);
        if (right == null)
        {
            _kernel.Fork.VmAreaFree(left);
            return -Errno.Eagain;
        }
        vma.CopyTo(left);
        vma.CopyTo(right);
        left.VmEnd = start;
        right.VmStart = end;
        right.VmPgoff += (right.VmStart - left.VmStart) >> PageShift;
        vma.VmFlags = newflags;
        // Both new pieces hold the file.
        if (vma.VmFile != null)
            vma.VmFile.FCount += 2;
        if (vma.VmOps?.Open is { } open)
        {
            open(left);
            open(right);
        }
        vma.VmPgoff += (start - vma.VmStart) >> PageShift;
        Mmap.LockVmaMappings(vma);
        vma.VmMm.PageTableLock.Lock();
        vma.VmStart = start;
        vma.VmEnd = end;
        vma.VmFlags = newflags;
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, left);
        Mmap.InsertVmStructCore(_kernel.Current.Mm!, right);
        vma.VmMm.PageTableLock.Unlock();
        Mmap.UnlockVmaMappings(vma);
        return 0;
    }

    // Gives [start, end) of one region the flags newflags, splitting as needed; then counts the
    // change in locked_vm and, when locking, faults the pages in.
    [Linux("mm/mlock.c", "mlock_fixup")]
    private int MlockFixup(VmAreaStruct vma, uint start, uint end, uint newflags)
    {
        if (newflags == vma.VmFlags)
            return 0;

        int retval;
        if (start == vma.VmStart)
        {
            if (end == vma.VmEnd)
                retval = MlockFixupAll(vma, newflags);
            else
                retval = MlockFixupStart(vma, end, newflags);
        }
        else
        {
            if (end == vma.VmEnd)
                retval = MlockFixupEnd(vma, start, newflags);
            else
                retval = MlockFixupMiddle(vma, start, end, newflags);
        }
        if (retval == 0)
        {
            // #region account
            int pages = (int)((end - start) >> PageShift);
            if ((newflags & VmFlags.Locked) != 0)
            {
                pages = -pages;
                _kernel.Memory.MakePagesPresent(start, end);
            }
            vma.VmMm.LockedVm = (uint)(vma.VmMm.LockedVm - pages);
            // #endregion
        }
        return retval;
    }

    // Sets (on) or clears VM_LOCKED on every region of [start, start + len); the range must be
    // mapped without holes.
    [Linux("mm/mlock.c", "do_mlock")]
    private int DoMlock(uint start, uint len, bool on)
    {
        if (on && !Capable(Capability.CapIpcLock))
            return -Errno.Eperm;
        len = (len + PageSize - 1) & PageMask;
        uint end = start + len;
        if (end < start)
            return -Errno.Einval;
        if (end == start)
            return 0;
        VmAreaStruct? vma = Mmap.FindVma(_kernel.Current.Mm, start);
        if (vma == null || vma.VmStart > start)
            return -Errno.Enomem;

        int error;
        for (uint nstart = start; ;)
        {
            // Here vma.VmStart <= nstart < vma.VmEnd.
            uint newflags = vma.VmFlags | VmFlags.Locked;
            if (!on)
                newflags &= ~VmFlags.Locked;

            if (vma.VmEnd >= end)
            {
                error = MlockFixup(vma, nstart, end, newflags);
                break;
            }

            uint tmp = vma.VmEnd;
            VmAreaStruct? next = vma.VmNext;
            error = MlockFixup(vma, nstart, tmp, newflags);
            if (error != 0)
                break;
            nstart = tmp;
            vma = next;
            if (vma == null || vma.VmStart != nstart)
            {
                error = -Errno.Enomem;
                break;
            }
        }
        return error;
    }

    /// <summary>
    /// The mlock system call of the current process: locks the pages of [start, start + len) in
    /// memory. Returns 0, -ENOMEM (over RLIMIT_MEMLOCK, over half of RAM, or part of the range
    /// unmapped), -EPERM (no CAP_IPC_LOCK) or -EINVAL (wrap).
    /// </summary>
    /// <param name="start">Start (rounded down to a page).</param>
    /// <param name="len">Length in bytes.</param>
    /// <remarks>In 2.4.20 going over RLIMIT_MEMLOCK here is -ENOMEM; -EAGAIN is what mmap, brk and
    /// mremap say when a locked mapping would pass the limit.</remarks>
    [Linux("mm/mlock.c", "sys_mlock")]
    public int SysMlock(uint start, uint len)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = current.Mm!;
        int error = -Errno.Enomem;

        mm.MmapSem.DownWrite();
        len = (len + (start & ~PageMask) + PageSize - 1) & PageMask;
        start &= PageMask;

        uint locked = len >> PageShift;
        locked += mm.LockedVm;

        uint lockLimit = current.Rlim[Resource.RlimitMemlock].RlimCur;
        lockLimit >>= PageShift;

        if (locked > lockLimit)
            goto @out;

        // A rough guard: never lock more than half of RAM.
        if (locked > _kernel.Memory.NumPhyspages / 2)
            goto @out;

        error = DoMlock(start, len, true);
    @out:
        mm.MmapSem.UpWrite();
        return error;
    }

    /// <summary>The munlock system call of the current process: unlocks [start, start + len).</summary>
    /// <param name="start">Start (rounded down to a page).</param>
    /// <param name="len">Length in bytes.</param>
    [Linux("mm/mlock.c", "sys_munlock")]
    public int SysMunlock(uint start, uint len)
    {
        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();
        len = (len + (start & ~PageMask) + PageSize - 1) & PageMask;
        start &= PageMask;
        int ret = DoMlock(start, len, false);
        mm.MmapSem.UpWrite();
        return ret;
    }

    // Locks (MCL_CURRENT) or unlocks every region, and makes future regions locked (MCL_FUTURE) or not.
    [Linux("mm/mlock.c", "do_mlockall")]
    private int DoMlockall(int flags)
    {
        if (!Capable(Capability.CapIpcLock))
            return -Errno.Eperm;

        MmStruct mm = _kernel.Current.Mm!;
        uint defFlags = 0;
        if ((flags & Mman.MclFuture) != 0)
            defFlags = VmFlags.Locked;
        mm.DefFlags = defFlags;

        int error = 0;
        for (VmAreaStruct? vma = mm.Mmap; vma != null; vma = vma.VmNext)
        {
            uint newflags = vma.VmFlags | VmFlags.Locked;
            if ((flags & Mman.MclCurrent) == 0)
                newflags &= ~VmFlags.Locked;
            error = MlockFixup(vma, vma.VmStart, vma.VmEnd, newflags);
            if (error != 0)
                break;
        }
        return error;
    }

    /// <summary>
    /// The mlockall system call of the current process. Returns 0, -EINVAL (no or unknown flags),
    /// -ENOMEM (the whole address space is over RLIMIT_MEMLOCK or half of RAM) or -EPERM.
    /// </summary>
    /// <param name="flags">MCL_CURRENT and/or MCL_FUTURE.</param>
    [Linux("mm/mlock.c", "sys_mlockall")]
    public int SysMlockall(int flags)
    {
        TaskStruct current = _kernel.Current;
        MmStruct mm = current.Mm!;
        int ret = -Errno.Einval;

        mm.MmapSem.DownWrite();
        if (flags == 0 || (flags & ~(Mman.MclCurrent | Mman.MclFuture)) != 0)
            goto @out;

        uint lockLimit = current.Rlim[Resource.RlimitMemlock].RlimCur;
        lockLimit >>= PageShift;

        ret = -Errno.Enomem;
        if (mm.TotalVm > lockLimit)
            goto @out;

        if (mm.TotalVm > _kernel.Memory.NumPhyspages / 2)
            goto @out;

        ret = DoMlockall(flags);
    @out:
        mm.MmapSem.UpWrite();
        return ret;
    }

    /// <summary>The munlockall system call: unlocks every region and clears MCL_FUTURE.</summary>
    [Linux("mm/mlock.c", "sys_munlockall")]
    public int SysMunlockall()
    {
        MmStruct mm = _kernel.Current.Mm!;
        mm.MmapSem.DownWrite();
        int ret = DoMlockall(0);
        mm.MmapSem.UpWrite();
        return ret;
    }

    // Whether the current task has the capability; using it marks the task PF_SUPERPRIV.
    [Linux("include/linux/sched.h", "capable")]
    private bool Capable(int cap)
    {
        TaskStruct current = _kernel.Current;
        if ((current.CapEffective & Capability.CapToMask(cap)) != 0)
        {
            current.Flags |= TaskStruct.PfSuperpriv;
            return true;
        }
        return false;
    }
}
