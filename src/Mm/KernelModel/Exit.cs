using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// kernel/exit.c: a task ending. Its address space is released (the last user's mmput tears it
/// down), its children pass to init, its parent is told, and it stays a zombie until reaped.
/// </summary>
public sealed class Exit
{
    private readonly Kernel _kernel;

    /// <summary>Creates the exit code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Exit(Kernel kernel) => _kernel = kernel;

    /// <summary>The task that inherits orphans: init_task at boot, then init (pid 1) once it runs.</summary>
    [Linux("init/main.c", "child_reaper")]
    public TaskStruct? ChildReaper { get; set; }

    private TaskStruct Reaper => ChildReaper ?? _kernel.Sched.FindTaskByPid(1) ?? _kernel.Sched.InitTask;

    // Frees a zombie: off the task list, its fault and swap counts and its unused time slice
    // added to the reaping parent (current).
    [Linux("kernel/exit.c", "release_task")]
    private void ReleaseTask(TaskStruct p)
    {
        TaskStruct current = _kernel.Sched.Current;
        if (p == current)
        {
            _kernel.Printk("task releasing itself");
            return;
        }
        _kernel.Sched.TasklistLock.Lock();
        _kernel.Sched.RemoveLinks(p);
        _kernel.Fork.NrThreads--;
        _kernel.Sched.TasklistLock.Unlock();

        current.CminFlt += p.MinFlt + p.CminFlt;
        current.CmajFlt += p.MajFlt + p.CmajFlt;
        current.Cnswap += p.Nswap + p.Cnswap;
        current.Counter += p.Counter;
        if (current.Counter >= Sched.MaxCounter)
            current.Counter = Sched.MaxCounter;
        p.Pid = 0;
    }

    /// <summary>
    /// Reaps one zombie child of the current task (any child when <paramref name="pid"/> is -1) and
    /// returns its pid; 0 when no matching child has exited yet; -ECHILD when there is no such child.
    /// </summary>
    /// <param name="pid">The child to wait for, or -1 for any.</param>
    /// <remarks>Port note: the part of sys_wait4 that matters to mm/ (release_task); no sleeping, status words or rusage.</remarks>
    [Linux("kernel/exit.c", "sys_wait4")]
    public int SysWait4(int pid)
    {
        TaskStruct current = _kernel.Sched.Current;
        bool any = false;
        for (TaskStruct? p = current.PCptr; p != null; p = p.POsptr)
        {
            if (pid != -1 && p.Pid != pid)
                continue;
            any = true;
            if (p.State == Sched.TaskZombie)
            {
                int retval = p.Pid;
                current.Times.TmsCutime += p.Times.TmsUtime + p.Times.TmsCutime;
                current.Times.TmsCstime += p.Times.TmsStime + p.Times.TmsCstime;
                ReleaseTask(p);
                return retval;
            }
        }
        return any ? 0 : -Errno.Echild;
    }

    // Children whose original parent is exiting are adopted by the reaper and will signal it
    // with SIGCHLD.
    [Linux("kernel/exit.c", "forget_original_parent")]
    private void ForgetOriginalParent(TaskStruct father)
    {
        foreach (TaskStruct p in _kernel.Sched.ForEachTask())
        {
            if (p.POpptr == father)
            {
                p.ExitSignal = Signal.Sigchld;
                p.POpptr = Reaper;
            }
        }
    }

    // Detaches the address space from the task; the task keeps it as active_mm (with an extra
    // mm_count reference) until schedule switches away, because its page tables are still loaded.
    [Linux("kernel/exit.c", "__exit_mm")]
    private void ExitMmCore(TaskStruct tsk)
    {
        MmStruct? mm = tsk.Mm;
        // Port note: mm_release (waking a vfork parent) has nothing to do: vfork is not modelled.
        if (mm != null)
        {
            mm.MmCount++;
            KernelPanicException.BugOn(mm != tsk.ActiveMm, "mm != tsk->active_mm", "__exit_mm");
            tsk.AllocLock.Lock();
            tsk.Mm = null;
            tsk.AllocLock.Unlock();
            _kernel.Fork.Mmput(mm);
        }
    }

    /// <summary>Drops the address space of <paramref name="tsk"/> (used when a fork fails half-way).</summary>
    /// <param name="tsk">The task.</param>
    [Linux("kernel/exit.c", "exit_mm")]
    public void ExitMm(TaskStruct tsk) => ExitMmCore(tsk);

    // Becomes a zombie, tells the parent, and hands the children to their original parents (or the reaper).
    // Port note: the orphaned-process-group checks (SIGHUP/SIGCONT to stopped jobs) are not modelled.
    [Linux("kernel/exit.c", "exit_notify")]
    private void ExitNotify()
    {
        TaskStruct current = _kernel.Sched.Current;
        ForgetOriginalParent(current);

        _kernel.Sched.TasklistLock.Lock();
        current.State = Sched.TaskZombie;
        DoNotifyParent(current, current.ExitSignal);
        while (current.PCptr != null)
        {
            TaskStruct p = current.PCptr;
            current.PCptr = p.POsptr;
            p.PYsptr = null;
            p.PPptr = p.POpptr;
            p.POsptr = p.PPptr.PCptr;
            if (p.POsptr != null)
                p.POsptr.PYsptr = p;
            p.PPptr.PCptr = p;
            if (p.State == Sched.TaskZombie)
                DoNotifyParent(p, p.ExitSignal);
        }
        _kernel.Sched.TasklistLock.Unlock();
    }

    // Sends the exit signal to the parent.
    [Linux("kernel/signal.c", "do_notify_parent")]
    private void DoNotifyParent(TaskStruct tsk, int sig)
    {
        if (sig > 0)
            _kernel.Signal.SendSigInfo(sig, SigInfo.Kernel, tsk.PPptr);
    }

    /// <summary>
    /// The current task ends with status <paramref name="code"/>: it is marked exiting, gives up its
    /// address space and signal handlers, becomes a zombie and the CPU is given to another task.
    /// Killing the idle task or init is fatal to the whole machine.
    /// </summary>
    /// <param name="code">The exit status (a signal number when killed by one).</param>
    /// <remarks>do_exit never returns. Port note: its last act, the schedule() that switches away
    /// from the zombie for good, happens at the base of the task's kernel stack: do_exit throws
    /// <see cref="Simulation.TaskExitException"/>, which unwinds the task's stack there, so no code
    /// of the dead task's callers runs after it.</remarks>
    [Linux("kernel/exit.c", "do_exit")]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void DoExit(int code)
    {
        TaskStruct tsk = _kernel.Sched.Current;
        if (tsk.Pid == 0)
            throw new KernelPanicException("Attempted to kill the idle task!", "do_exit");
        if (tsk.Pid == 1)
            throw new KernelPanicException("Attempted to kill init!", "do_exit");
        tsk.Flags |= TaskStruct.PfExiting;

        ExitMmCore(tsk);
        ExitSighand(tsk);

        tsk.ExitCode = code;
        ExitNotify();
        throw new Simulation.TaskExitException(tsk);
    }

    /// <summary>The exit system call: ends current with <paramref name="errorCode"/>'s low byte as its status.</summary>
    /// <param name="errorCode">The status the program passed.</param>
    [Linux("kernel/exit.c", "sys_exit")]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void SysExit(int errorCode) => DoExit((errorCode & 0xff) << 8);

    /// <summary>Drops the task's signal handlers (freeing the table with its last user) and every pending signal.</summary>
    /// <param name="tsk">The task.</param>
    [Linux("kernel/signal.c", "exit_sighand")]
    public void ExitSighand(TaskStruct tsk)
    {
        SignalStruct? sig = tsk.Sig;
        tsk.SigmaskLock.Lock();
        if (sig != null)
        {
            tsk.Sig = null;
            if (--sig.Count == 0)
                _kernel.Fork.SigactFree(sig);
        }
        tsk.Sigpending = 0;
        tsk.Pending.Signal = 0;
        tsk.SigmaskLock.Unlock();
    }
}
