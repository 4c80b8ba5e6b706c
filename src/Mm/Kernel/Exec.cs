using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// fs/exec.c, the part that touches memory management: exec replaces the caller's address space
/// with a fresh, empty one before the binary loader lays the new program out in it.
/// </summary>
public sealed class Exec
{
    private readonly Kernel _kernel;

    /// <summary>Creates the exec code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Exec(Kernel kernel) => _kernel = kernel;

    /// <summary>
    /// Gives the current task a new empty address space, releasing the old one; returns 0 or
    /// -ENOMEM. A task that is the only user of its address space keeps the descriptor and only
    /// has its mappings torn down.
    /// </summary>
    [Linux("fs/exec.c", "exec_mmap")]
    public int ExecMmap()
    {
        TaskStruct current = _kernel.Sched.Current;
        MmStruct? oldMm = current.Mm;
        if (oldMm != null && oldMm.MmUsers == 1)
        {
            _kernel.Mmap.ExitMmap(oldMm);
            return 0;
        }

        MmStruct? mm = _kernel.Fork.MmAlloc();
        if (mm == null)
            return -Errno.Enomem;

        _kernel.Fork.MmlistLock.Lock();
        _kernel.InitMm.Mmlist.Add(mm.Mmlist);
        _kernel.Fork.MmlistNr++;
        _kernel.Fork.MmlistLock.Unlock();

        current.AllocLock.Lock();
        MmStruct activeMm = current.ActiveMm!;
        current.Mm = mm;
        current.ActiveMm = mm;
        current.AllocLock.Unlock();
        _kernel.Sched.SwitchMm?.Invoke(activeMm, mm, current, _kernel.CurrentCpu); // activate_mm
        if (oldMm != null)
        {
            KernelPanicException.BugOn(activeMm != oldMm, "active_mm != old_mm", "exec_mmap");
            _kernel.Fork.Mmput(oldMm);
            return 0;
        }
        _kernel.Fork.Mmdrop(activeMm);
        return 0;
    }
}
