using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

// The pieces of kernel/ that mm/ leans on: tasks, the scheduler, timers, sleeping primitives,
// signals, fork and exit.
public sealed partial class Kernel
{

    /// <summary>kernel/sched.c: the task list, current, the run queue, sleeping and waking.</summary>
    public Sched Sched { get; }

    /// <summary>kernel/timer.c: jiffies, the clock tick and kernel timers.</summary>
    public Timer Timer { get; }

    /// <summary>arch/i386/kernel/semaphore.c: the sleeping half of semaphores.</summary>
    public Semaphores Semaphores { get; }

    /// <summary>lib/rwsem.c: the sleeping half of reader-writer semaphores.</summary>
    public Rwsem Rwsem { get; }

    /// <summary>arch/i386/kernel/process.c: kernel_thread.</summary>
    public Process Process { get; }

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
}
