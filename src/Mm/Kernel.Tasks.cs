using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// The pieces of kernel/ that mm/ leans on: tasks, the scheduler, signals, fork and exit.
public sealed partial class Kernel
{
    private Sched? _sched;

    /// <summary>kernel/sched.c: the task list, current, the run queue and the clock tick.</summary>
    /// <remarks>Created on first use; from then on the page allocator sees the running task's flags
    /// and local page list, and can yield to other tasks. Before that, the boot task is current
    /// and has no flags, which is also what the allocator assumes without a task model.</remarks>
    public Sched Sched => _sched ??= CreateSched();

    private Sched CreateSched()
    {
        var sched = new Sched(this);
        PageAlloc.Current = () => sched.Current;
        PageAlloc.Yield = sched.Yield;
        return sched;
    }

    /// <summary>kernel/signal.c: sending and delivering signals.</summary>
    public Signal Signal { get; }

    /// <summary>kernel/fork.c: creating tasks and address spaces.</summary>
    public Fork Fork { get; }

    /// <summary>kernel/exit.c: ending tasks.</summary>
    public Exit Exit { get; }

    /// <summary>mm/oom_kill.c: choosing and killing a process when memory is exhausted.</summary>
    public OomKill OomKill { get; }

    /// <summary>fs/exec.c: replacing a task's address space.</summary>
    public Exec Exec { get; }

    /// <summary>The task running on the executing CPU (<see cref="Sched.Current"/>, the kernel's <c>current</c>).</summary>
    public TaskStruct Current => Sched.Current;

    /// <summary>
    /// Starts a user process the way a shell does: <paramref name="parent"/> (init_task when null)
    /// forks, and the child execs, getting a fresh empty address space. Returns the child, runnable
    /// but not running.
    /// </summary>
    /// <param name="comm">The program's name.</param>
    /// <param name="parent">The forking task; init_task when null.</param>
    /// <remarks>A simulation entry point, not a kernel function: it sequences do_fork and exec_mmap
    /// with <see cref="Sched.RunAs"/>. The address space stays empty; <see cref="Spawn(ProgramImage, TaskStruct?)"/>
    /// lays a program out in it.</remarks>
    public TaskStruct Spawn(string comm, TaskStruct? parent = null)
    {
        parent ??= Sched.InitTask;
        int pid = 0;
        Sched.RunAs(parent, () => pid = Fork.DoFork((uint)KernelModel.Signal.Sigchld, comm));
        if (pid <= 0)
            throw new InvalidOperationException($"fork failed: {pid}");
        TaskStruct child = Sched.FindTaskByPid(pid)!;
        int err = 0;
        Sched.RunAs(child, () => err = Exec.ExecMmap());
        if (err != 0)
            throw new InvalidOperationException($"exec failed: {err}");
        return child;
    }

    /// <summary>
    /// Starts a user process running <paramref name="image"/>: <paramref name="parent"/> (init_task
    /// when null) forks, and the child execs the program, which lays out text, data, bss, heap and
    /// a stack holding the arguments (see <see cref="Exec.ExecProgram"/>). Returns the child,
    /// runnable but not running.
    /// </summary>
    /// <param name="image">The program.</param>
    /// <param name="parent">The forking task; init_task when null.</param>
    /// <exception cref="InvalidOperationException">fork or exec failed (no memory).</exception>
    public TaskStruct Spawn(ProgramImage image, TaskStruct? parent = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        parent ??= Sched.InitTask;
        int pid = 0;
        Sched.RunAs(parent, () => pid = Fork.DoFork((uint)KernelModel.Signal.Sigchld, image.Name));
        if (pid <= 0)
            throw new InvalidOperationException($"fork failed: {pid}");
        TaskStruct child = Sched.FindTaskByPid(pid)!;
        int err = 0;
        Sched.RunAs(child, () => err = Exec.ExecProgram(image));
        if (err != 0)
            throw new InvalidOperationException($"exec failed: {err}");
        return child;
    }
}
