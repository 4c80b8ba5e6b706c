using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Simulation;

/// <summary>
/// What stands outside the simulated machine and drives it: user programs that make system calls
/// and touch memory, and the passing of time. Not part of the port: it starts processes, makes a
/// task enter the kernel with a system call, lets the clock tick, and runs the machine until
/// something has happened, while the kernel code it calls decides everything else.
/// </summary>
/// <remarks>
/// <para>The machine advances only inside a driver call. Between calls no simulated time passes:
/// every CPU is in user mode or idle, and every task with kernel code in progress sleeps.</para>
/// <para>A system call that sleeps (on a semaphore, a page lock, a timer, or by yielding) parks
/// its task, and the machine carries on without the caller: idle CPUs schedule whatever is
/// runnable, CPUs running tasks in user mode take clock ticks, and when every CPU is idle the
/// clock jumps to the next timer. The call returns once its task has resumed and finished. If
/// nothing can ever wake it, a <see cref="DeadlockException"/> says who sleeps.</para>
/// </remarks>
public sealed class Driver
{
    // A wait that ticks through this much busy simulated time without its task resuming is
    // reported as stuck (one hour).
    private const int MaxBusyTicks = 3600 * Sched.Hz;

    private readonly Kernel _kernel;
    private int _busyTicks;
    private string _waitingFor = "";

    /// <summary>Creates the driver of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public Driver(Kernel kernel) => _kernel = kernel;

    private Sched Sched => _kernel.Sched;

    private KernelStacks Stacks => _kernel.Stacks;

    /// <summary>
    /// <paramref name="task"/> makes a system call: it enters the kernel on the CPU where it runs
    /// (or, if it runs nowhere, on <see cref="Kernel.CurrentCpu"/>, which the driver gives it) and
    /// runs <paramref name="action"/> there as <c>current</c>. Returns when the call is done;
    /// if the task exits (do_exit), when it has been switched away for good.
    /// </summary>
    /// <param name="task">A runnable task, not inside the kernel already.</param>
    /// <param name="action">The kernel code to run as the task.</param>
    /// <exception cref="InvalidOperationException">The task has exited, is inside the kernel, or the call is made from kernel code.</exception>
    /// <remarks>The call runs on the caller's own thread; only if it sleeps does another thread run the machine meanwhile.
    /// The return path to user mode (reschedule, signals) is not run here: it runs at the next <see cref="Tick"/>.</remarks>
    public void RunAs(TaskStruct task, Action action) =>
        RunAs<object?>(task, () =>
        {
            action();
            return null;
        });

    /// <summary>As <see cref="RunAs(TaskStruct, Action)"/>, for a call with a result (default if the task exited during it).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">A runnable task, not inside the kernel already.</param>
    /// <param name="action">The kernel code to run as the task.</param>
    public T RunAs<T>(TaskStruct task, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(action);
        if (Stacks.OutsideRuns(task))
            return action();   // already inside this task's system call
        EnsureOutside("RunAs");
        int savedCpu = _kernel.CurrentCpu;
        PlaceOnCpu(task);
        Stacks.EnterOnOutside(task);
        _busyTicks = 0;
        _waitingFor = $"the system call of task {task.Pid} ({task.Comm})";
        T result = default!;
        bool exited = false;
        try
        {
            result = action();
        }
        catch (TaskExitException e) when (e.Task == task)
        {
            exited = true;
        }
        finally
        {
            Stacks.LeaveOutside(task);
        }
        if (exited)
        {
            // do_exit's last schedule(): the zombie is switched away and never resumes.
            _kernel.CurrentCpu = task.Processor;
            Sched.Schedule();
        }
        Settle();
        _kernel.CurrentCpu = savedCpu;
        return result;
    }

    /// <summary>
    /// <paramref name="task"/> starts a system call on a kernel stack of its own and the driver
    /// does not wait for it: returns as soon as the call has finished or sleeps. <see cref="Wait{T}"/>
    /// runs the machine until it is done.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">A runnable task, not inside the kernel already.</param>
    /// <param name="action">The kernel code to run as the task.</param>
    public TaskRun<T> Start<T>(TaskStruct task, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(action);
        EnsureOutside("Start");
        int savedCpu = _kernel.CurrentCpu;
        PlaceOnCpu(task);
        var run = new TaskRun<T>(task);
        Stacks.RunOnOwnStack(task, () =>
        {
            try
            {
                run.Result = action();
                run.IsCompleted = true;
            }
            catch (TaskExitException)
            {
                run.HasExited = true;
                throw;
            }
        });
        Settle();
        _kernel.CurrentCpu = savedCpu;
        return run;
    }

    /// <summary>As <see cref="Start{T}(TaskStruct, Func{T})"/>, for a call without a result.</summary>
    /// <param name="task">A runnable task, not inside the kernel already.</param>
    /// <param name="action">The kernel code to run as the task.</param>
    public TaskRun<bool> Start(TaskStruct task, Action action) =>
        Start(task, () =>
        {
            action();
            return true;
        });

    /// <summary>Runs the machine until <paramref name="run"/>'s call has finished (or its task exited) and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="run">A call made with <see cref="Start{T}(TaskStruct, Func{T})"/>.</param>
    public T Wait<T>(TaskRun<T> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunUntil(() => run.IsDone, $"the system call of task {run.Task.Pid} ({run.Task.Comm})");
        return run.Result;
    }

    /// <summary>Runs the machine (scheduling, ticking the clock, firing timers) until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">What to wait for; checked whenever the machine is at rest.</param>
    /// <param name="what">What is awaited, for the message if it can never happen.</param>
    /// <exception cref="DeadlockException">Nothing can run and no timer is pending, yet the condition does not hold.</exception>
    public void RunUntil(Func<bool> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        EnsureOutside("RunUntil");
        _busyTicks = 0;
        _waitingFor = what;
        for (;;)
        {
            Settle();
            if (condition())
                return;
            AdvanceTime();
        }
    }

    /// <summary>
    /// One clock tick on every CPU: jiffies advances, each CPU's current task is charged, due
    /// timers fire, and each CPU takes the return-from-interrupt path (reschedule if the slice ran
    /// out, then deliver signals to a task returning to user mode).
    /// </summary>
    public void Tick()
    {
        EnsureOutside("Tick");
        OneTick();
        Settle();
    }

    /// <summary>
    /// The return-to-user path of entry.S on the executing CPU: schedule if the current task's
    /// need_resched is set, then act on pending signals if the (new) current task is a user
    /// process. <see cref="Tick"/> runs it on every CPU; tests call it to see one step alone.
    /// </summary>
    /// <remarks>A task without an mm is a kernel thread, which never returns to user mode and so never gets here.</remarks>
    public void ReturnFromInterrupt()
    {
        EnsureOutside("ReturnFromInterrupt");
        ReturnFromInterrupt(_kernel.CurrentCpu);
        Settle();
    }

    /// <summary>
    /// Starts a user process the way a shell does: <paramref name="parent"/> (init_task when null)
    /// forks, and the child execs: <paramref name="image"/> if given (text, data, bss, heap and a
    /// stack holding the arguments), else nothing (a fresh empty address space). Returns the
    /// child, which is current on the CPU it was started on.
    /// </summary>
    /// <param name="comm">The program's name.</param>
    /// <param name="parent">The forking task; init_task when null.</param>
    /// <param name="image">The program; null for an empty address space.</param>
    /// <exception cref="InvalidOperationException">fork or exec failed (no memory).</exception>
    public TaskStruct Spawn(string comm, TaskStruct? parent = null, ProgramImage? image = null)
    {
        ArgumentNullException.ThrowIfNull(comm);
        parent ??= Sched.InitTask;
        int pid = RunAs(parent, () => _kernel.Fork.DoFork((uint)Signal.Sigchld, comm));
        if (pid <= 0)
            throw new InvalidOperationException($"fork failed: {pid}");
        TaskStruct child = Sched.FindTaskByPid(pid)!;
        int err = RunAs(child, () => image is null ? _kernel.Exec.ExecMmap() : _kernel.Exec.ExecProgram(image));
        if (err != 0)
            throw new InvalidOperationException($"exec failed: {err}");
        return child;
    }

    // Makes sure the caller drives the machine from outside: not from kernel code of a task.
    private void EnsureOutside(string what)
    {
        if (!Stacks.OutsideIsFree)
            throw new InvalidOperationException($"{what}: the machine is driven from outside, not from kernel code running as a task");
    }

    // Makes task current on a CPU: the one it already runs on, or the executing CPU.
    private void PlaceOnCpu(TaskStruct task)
    {
        if (task.State == Sched.TaskZombie)
            throw new InvalidOperationException($"task {task.Pid} ({task.Comm}) has exited");
        for (int cpu = 0; cpu < _kernel.SmpNumCpus; cpu++)
        {
            if (Sched.CpuCurr(cpu) == task)
            {
                _kernel.CurrentCpu = cpu;
                return;
            }
            if (Sched.InitTasks[cpu] == task)
            {
                // An idle task runs only on its own CPU.
                _kernel.CurrentCpu = cpu;
                Sched.PutOnCpu(task);
                return;
            }
        }
        if (task.KernelStack != null)
            throw new InvalidOperationException($"task {task.Pid} ({task.Comm}) is inside the kernel (asleep or waiting for a CPU there); it cannot start a system call now");
        if (task.State != Sched.TaskRunning)
            throw new InvalidOperationException($"task {task.Pid} ({task.Comm}) is not runnable (state {task.State})");
        Sched.PutOnCpu(task);
    }

    /// <summary>
    /// Runs every scheduling decision that is due without time passing: an idle CPU with a
    /// runnable task schedules. Returns when nothing more can happen at this instant.
    /// </summary>
    internal void Settle()
    {
        int saved = _kernel.CurrentCpu;
        bool again = true;
        while (again)
        {
            again = false;
            for (int cpu = 0; cpu < _kernel.SmpNumCpus; cpu++)
            {
                if (Sched.CpuCurr(cpu) == Sched.InitTasks[cpu] && Sched.HasWorkFor(cpu))
                {
                    _kernel.CurrentCpu = cpu;
                    Sched.Schedule();
                    again = true;
                }
            }
        }
        _kernel.CurrentCpu = saved;
    }

    /// <summary>What the machine thread does while the outside thread waits in a sleeping task: settle, then let time pass.</summary>
    internal void RunMachine()
    {
        Settle();
        AdvanceTime();
    }

    // Lets simulated time pass: with every CPU idle the clock jumps to the next timer; with a task
    // in user mode somewhere it ticks once. Throws when nothing could ever change.
    private void AdvanceTime()
    {
        bool busy = false;
        for (int cpu = 0; cpu < _kernel.SmpNumCpus; cpu++)
            busy |= Sched.CpuCurr(cpu) != Sched.InitTasks[cpu];
        if (!busy)
        {
            uint? next = _kernel.Timer.NextExpiry();
            if (next is null)
                throw Deadlock();
            uint now = (uint)_kernel.Jiffies;
            if ((int)(next.Value - now) > 1)
                _kernel.Jiffies += next.Value - now - 1;   // idle CPUs: nothing happens in between
        }
        else
        {
            if (_kernel.Timer.Queued == 0 && !RunnableInKernel())
                throw Deadlock();
            if (++_busyTicks > MaxBusyTicks)
                throw new DeadlockException($"{_waitingFor} did not finish in an hour of simulated time");
        }
        OneTick();
    }

    // Some task with kernel code to continue is runnable: running the machine makes progress.
    private bool RunnableInKernel()
    {
        foreach (TaskStruct p in Sched.RunqueueHead.Entries<TaskStruct>())
            if (p.KernelStack != null)
                return true;
        return false;
    }

    private DeadlockException Deadlock()
    {
        var sleepers = new List<string>();
        foreach (TaskStruct p in Sched.ForEachTask())
            if (p.KernelStack != null && p.State != Sched.TaskRunning)
                sleepers.Add($"{p.Pid} ({p.Comm}) state {p.State}");
        return new DeadlockException($"{_waitingFor} can never finish: no task can run and no timer is pending; asleep in the kernel: " +
            (sleepers.Count == 0 ? "none" : string.Join(", ", sleepers)));
    }

    // The timer interrupt on every CPU, the SMP way: the boot CPU's IRQ 0 advances jiffies, each
    // CPU's local timer charges its current task, the timer bottom half runs the due timers, and
    // each CPU returns from its interrupt.
    private void OneTick()
    {
        int saved = _kernel.CurrentCpu;
        _kernel.CurrentCpu = 0;
        _kernel.Timer.DoTimer();
        for (int cpu = 0; cpu < _kernel.SmpNumCpus; cpu++)
        {
            _kernel.CurrentCpu = cpu;
            _kernel.Timer.UpdateProcessTimes(Sched.Current.Mm != null ? 1 : 0);
        }
        _kernel.CurrentCpu = 0;
        _kernel.Timer.TimerBh();
        for (int cpu = 0; cpu < _kernel.SmpNumCpus; cpu++)
            ReturnFromInterrupt(cpu);
        _kernel.CurrentCpu = saved;
    }

    private void ReturnFromInterrupt(int cpu)
    {
        _kernel.CurrentCpu = cpu;
        if (Sched.Current.NeedResched != 0)
            Sched.Schedule();
        _kernel.CurrentCpu = cpu;
        TaskStruct current = Sched.Current;
        if (current.Sigpending != 0 && current.Mm != null)
            Stacks.RunOnOwnStack(current, () => _kernel.Signal.DoSignal());
        _kernel.CurrentCpu = cpu;
    }
}

/// <summary>A system call started with <see cref="Driver.Start{T}(TaskStruct, Func{T})"/>.</summary>
/// <typeparam name="T">Its result type.</typeparam>
public sealed class TaskRun<T>
{
    internal TaskRun(TaskStruct task) => Task = task;

    /// <summary>The task making the call.</summary>
    public TaskStruct Task { get; }

    /// <summary>True once the call has returned.</summary>
    public bool IsCompleted { get; internal set; }

    /// <summary>True if the task exited during the call.</summary>
    public bool HasExited { get; internal set; }

    /// <summary>True once the call has returned or its task exited.</summary>
    public bool IsDone => IsCompleted || HasExited;

    /// <summary>What the call returned (default until it has).</summary>
    public T Result { get; internal set; } = default!;
}
