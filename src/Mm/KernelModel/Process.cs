using LinuxVm.Mm.Simulation;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// arch/i386/kernel/process.c, the one function mm/ needs from it: <c>kernel_thread</c>, which
/// starts a task that runs a kernel function instead of a program (kswapd, bdflush).
/// </summary>
public sealed class Process
{
    private readonly Kernel _kernel;

    /// <summary>Creates the process code of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Process(Kernel kernel) => _kernel = kernel;

    /// <summary>
    /// Starts a kernel thread: current clones itself (sharing its address space, CLONE_VM, and
    /// whatever <paramref name="flags"/> add), and the child, once scheduled, runs
    /// <paramref name="fn"/>(<paramref name="arg"/>) in kernel mode, then exits. Returns the
    /// child's pid, or a negative errno.
    /// </summary>
    /// <param name="fn">The thread's function.</param>
    /// <param name="arg">Its argument.</param>
    /// <param name="flags">CLONE_* flags, with the exit signal in the low byte.</param>
    /// <param name="comm">The child's name until it names itself (the C copies the parent's).</param>
    /// <remarks>The i386 version makes the clone system call from kernel mode; the child's path
    /// after it calls fn and then the exit system call. The exit status it passes is not fn's
    /// return value but what is left in the register that holds the clone flags: the low byte of
    /// the flags (the exit signal), shifted as sys_exit shifts a status.</remarks>
    [Linux("arch/i386/kernel/process.c", "kernel_thread")]
    public int KernelThread(Func<object?, int> fn, object? arg, uint flags, string? comm = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        uint cloneFlags = flags | Fork.CloneVm;
        int pid = _kernel.Fork.DoFork(cloneFlags, comm);
        if (pid <= 0)
            return pid;
        TaskStruct child = _kernel.Sched.FindTaskByPid(pid)!;
        _kernel.Stacks.CreateStack(child, () =>
        {
            fn(arg);
            _kernel.Exit.SysExit((int)cloneFlags);
        });
        return pid;
    }
}
