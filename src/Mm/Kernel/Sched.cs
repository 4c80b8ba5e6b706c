using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// kernel/sched.c, with the task list of include/linux/sched.h and the timer tick of
/// kernel/timer.c: which task each CPU runs (<c>current</c>), the run queue, the 2.4 goodness
/// scheduler, and the clock that advances jiffies and charges CPU time.
/// </summary>
/// <remarks>
/// Port note: a simulated task runs no instructions. The simulation advances time with
/// <see cref="Step"/> (one timer interrupt on the current CPU followed by the return-from-interrupt
/// path: schedule if asked, then deliver pending signals), and code that acts "as" a task (a
/// system call, a fault) runs while that task is <see cref="Current"/>.
/// </remarks>
public sealed class Sched
{
    private readonly Kernel _kernel;
    private readonly TaskStruct[] _curr;

    /// <summary>Creates the scheduler of a fresh machine: init_task (pid 0, "swapper") is the only task and runs on CPU 0.</summary>
    /// <param name="kernel">The kernel this scheduler belongs to.</param>
    public Sched(Kernel kernel)
    {
        _kernel = kernel;
        InitTask = NewInitTask(kernel);
        InitTasks = new TaskStruct[kernel.SmpNumCpus];
        _curr = new TaskStruct[kernel.SmpNumCpus];
        InitTasks[0] = InitTask;
        _curr[0] = InitTask;
        for (int cpu = 1; cpu < kernel.SmpNumCpus; cpu++)
        {
            // Port note: smp_boot_cpus forks an idle task per CPU with CLONE_PID and then takes it
            // off the task list; the result is what is built here directly: pid 0, not listed.
            TaskStruct idle = NewInitTask(kernel);
            idle.NextTask = idle.PrevTask = idle;
            idle.Processor = cpu;
            InitTasks[cpu] = idle;
            _curr[cpu] = idle;
        }
        // cpu_init (arch/i386/kernel/setup.c): each CPU's idle task runs on init_mm and holds a
        // reference to it, like any task borrowing an address space.
        kernel.InitMm.MmCount += kernel.SmpNumCpus;
    }

    // INIT_TASK: the fields the boot CPU's first task starts with.
    [Linux("include/linux/sched.h", "INIT_TASK")]
    private static TaskStruct NewInitTask(Kernel kernel)
    {
        var t = new TaskStruct
        {
            State = TaskRunning,
            Counter = DefCounter,
            Nice = DefNice,
            Policy = SchedOther,
            Mm = null,
            ActiveMm = kernel.InitMm,
            CapEffective = Capability.CapInitEffSet,
            CapInheritable = Capability.CapInitInhSet,
            CapPermitted = Capability.CapFullSet,
            Comm = "swapper",
            Sig = new SignalStruct(),
        };
        t.NextTask = t.PrevTask = t.POpptr = t.PPptr = t;
        InitRlimits(t.Rlim);
        return t;
    }

    // INIT_RLIMITS of include/asm-i386/resource.h: everything unlimited except an 8 MiB soft
    // stack limit, no core files, no processes (fork_init raises NPROC) and INR_OPEN files.
    [Linux("include/asm-i386/resource.h", "INIT_RLIMITS")]
    private static void InitRlimits(Rlimit[] rlim)
    {
        foreach (Rlimit r in rlim)
            r.RlimCur = r.RlimMax = Resource.RlimInfinity;
        rlim[Resource.RlimitStack].RlimCur = Resource.StkLim;
        rlim[Resource.RlimitCore].RlimCur = 0;
        rlim[Resource.RlimitNproc].RlimCur = rlim[Resource.RlimitNproc].RlimMax = 0;
        rlim[Resource.RlimitNofile].RlimCur = rlim[Resource.RlimitNofile].RlimMax = Resource.InrOpen;
    }

    /// <summary>Clock ticks per second on i386.</summary>
    [Linux("include/asm-i386/param.h", "HZ")]
    public const int Hz = 100;

    /// <summary>log2 of HZ, rounded: 7 for HZ = 100 (128 is the nearest power of two).</summary>
    [Linux("include/linux/timex.h", "SHIFT_HZ")]
    public const int ShiftHz = 7;

    /// <summary>Runnable (or running).</summary>
    [Linux("include/linux/sched.h", "TASK_RUNNING")] public const int TaskRunning = 0;
    /// <summary>Asleep; a signal wakes it.</summary>
    [Linux("include/linux/sched.h", "TASK_INTERRUPTIBLE")] public const int TaskInterruptible = 1;
    /// <summary>Asleep; only the awaited event wakes it.</summary>
    [Linux("include/linux/sched.h", "TASK_UNINTERRUPTIBLE")] public const int TaskUninterruptible = 2;
    /// <summary>Exited, waiting for its parent to collect the status.</summary>
    [Linux("include/linux/sched.h", "TASK_ZOMBIE")] public const int TaskZombie = 4;
    /// <summary>Stopped by a signal.</summary>
    [Linux("include/linux/sched.h", "TASK_STOPPED")] public const int TaskStopped = 8;

    /// <summary>The ordinary time-sharing policy.</summary>
    [Linux("include/linux/sched.h", "SCHED_OTHER")] public const uint SchedOther = 0;
    /// <summary>Real-time, first in first out.</summary>
    [Linux("include/linux/sched.h", "SCHED_FIFO")] public const uint SchedFifo = 1;
    /// <summary>Real-time, round robin.</summary>
    [Linux("include/linux/sched.h", "SCHED_RR")] public const uint SchedRr = 2;
    /// <summary>Added to the policy by sched_yield: pick this task last, once.</summary>
    [Linux("include/linux/sched.h", "SCHED_YIELD")] public const uint SchedYield = 0x10;

    /// <summary>A fresh time slice: 10 ticks (100 ms).</summary>
    [Linux("include/linux/sched.h", "DEF_COUNTER")] public const int DefCounter = 10 * Hz / 100;
    /// <summary>Longest time slice: 20 ticks.</summary>
    [Linux("include/linux/sched.h", "MAX_COUNTER")] public const int MaxCounter = 20 * Hz / 100;
    /// <summary>Nice value of init_task.</summary>
    [Linux("include/linux/sched.h", "DEF_NICE")] public const int DefNice = 0;
    /// <summary>Goodness bonus for staying on the same CPU.</summary>
    [Linux("include/asm-i386/smp.h", "PROC_CHANGE_PENALTY")] public const int ProcChangePenalty = 15;

    /// <summary>The first task (pid 0, the boot CPU's idle task) and head of the task list.</summary>
    [Linux("arch/i386/kernel/init_task.c", "init_task")]
    public TaskStruct InitTask { get; }

    /// <summary>Each CPU's idle task.</summary>
    [Linux("kernel/sched.c", "init_tasks")]
    public TaskStruct[] InitTasks { get; }

    /// <summary>Guards the task list.</summary>
    [Linux("kernel/sched.c", "tasklist_lock")]
    public SpinLock TasklistLock { get; } = new("tasklist_lock");

    /// <summary>Guards the run queue.</summary>
    [Linux("kernel/sched.c", "runqueue_lock")]
    public SpinLock RunqueueLock { get; } = new("runqueue_lock");

    /// <summary>The run queue: every runnable task, in the order they became runnable.</summary>
    [Linux("kernel/sched.c", "runqueue_head")]
    public ListHead RunqueueHead { get; } = new();

    /// <summary>Number of tasks on the run queue.</summary>
    [Linux("kernel/fork.c", "nr_running")]
    public int NrRunning { get; private set; }

    /// <summary>Context switches so far.</summary>
    [Linux("include/linux/kernel_stat.h", "kernel_stat.context_swtch")]
    public uint ContextSwtch { get; private set; }

    /// <summary>The task running on the CPU that is executing (<see cref="Kernel.CurrentCpu"/>).</summary>
    [Linux("include/asm-i386/current.h", "current")]
    public TaskStruct Current => _curr[_kernel.CurrentCpu];

    /// <summary>The task running on <paramref name="cpu"/>.</summary>
    /// <param name="cpu">A CPU number.</param>
    [Linux("kernel/sched.c", "cpu_curr")]
    public TaskStruct CpuCurr(int cpu) => _curr[cpu];

    /// <summary>
    /// Runs <paramref name="action"/> with <paramref name="task"/> as current on the executing CPU,
    /// then puts the previous current back: the simulation's way of saying "this task makes a system
    /// call" without a context switch.
    /// </summary>
    /// <param name="task">The task to act as.</param>
    /// <param name="action">What it does (a system call, a fault, an exit).</param>
    /// <remarks>Not a kernel function. If the action ends the task (do_exit), the CPU is left to the
    /// task that schedule picked instead of being handed back.</remarks>
    public void RunAs(TaskStruct task, Action action)
    {
        int cpu = _kernel.CurrentCpu;
        TaskStruct saved = _curr[cpu];
        if (saved == task)
        {
            action();
            return;
        }
        SwitchAddressSpaces(saved, task);
        _curr[cpu] = task;
        task.Processor = cpu;
        try
        {
            action();
        }
        finally
        {
            if (_curr[cpu] == task)
            {
                SwitchAddressSpaces(task, saved);
                _curr[cpu] = saved;
            }
        }
    }

    /// <summary><see cref="RunAs"/> for an action with a result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The task to act as.</param>
    /// <param name="action">What it does.</param>
    public T RunAsResult<T>(TaskStruct task, Func<T> action)
    {
        T result = default!;
        RunAs(task, () => result = action());
        return result;
    }

    /// <summary>
    /// The architecture's <c>switch_mm(prev, next, tsk, cpu)</c> (include/asm-i386/mmu_context.h):
    /// loads <c>next</c>'s page directory on the CPU when the address space changes. Installed by the
    /// architecture's fault and MMU-context code; null before, when no CPU translates user addresses.
    /// </summary>
    public Action<MmStruct, MmStruct, TaskStruct, int>? SwitchMm { get; set; }

    /// <summary>Every task but init_task, in list order (oldest first).</summary>
    [Linux("include/linux/sched.h", "for_each_task")]
    public IEnumerable<TaskStruct> ForEachTask()
    {
        for (TaskStruct p = InitTask; (p = p.NextTask) != InitTask;)
            yield return p;
    }

    /// <summary>The task with pid <paramref name="pid"/>, or null.</summary>
    /// <param name="pid">A process id.</param>
    /// <remarks>Port note: the kernel looks in a hash of pids; walking the list finds the same task.</remarks>
    [Linux("include/linux/sched.h", "find_task_by_pid")]
    public TaskStruct? FindTaskByPid(int pid)
    {
        if (pid == 0)
            return InitTask;
        foreach (TaskStruct p in ForEachTask())
            if (p.Pid == pid)
                return p;
        return null;
    }

    /// <summary>Puts <paramref name="p"/> at the tail of the task list and among its parent's children.</summary>
    /// <param name="p">A new task.</param>
    [Linux("include/linux/sched.h", "SET_LINKS")]
    public void SetLinks(TaskStruct p)
    {
        p.NextTask = InitTask;
        p.PrevTask = InitTask.PrevTask;
        InitTask.PrevTask.NextTask = p;
        InitTask.PrevTask = p;
        p.PYsptr = null;
        if ((p.POsptr = p.PPptr.PCptr) != null)
            p.POsptr.PYsptr = p;
        p.PPptr.PCptr = p;
    }

    /// <summary>Takes <paramref name="p"/> off the task list and its parent's children.</summary>
    /// <param name="p">A task on the list.</param>
    [Linux("include/linux/sched.h", "REMOVE_LINKS")]
    public void RemoveLinks(TaskStruct p)
    {
        p.NextTask.PrevTask = p.PrevTask;
        p.PrevTask.NextTask = p.NextTask;
        if (p.POsptr != null)
            p.POsptr.PYsptr = p.PYsptr;
        if (p.PYsptr != null)
            p.PYsptr.POsptr = p.POsptr;
        else
            p.PPptr.PCptr = p.POsptr;
    }

    // Ticks in a fresh time slice for a nice value: (20 - nice) / 4 + 1 at HZ = 100, so 6 ticks
    // at nice 0, 11 at nice -20 and 1 at nice 19.
    [Linux("kernel/sched.c", "NICE_TO_TICKS")]
    internal static int NiceToTicks(int nice) => ((20 - nice) >> 2) + 1;

    // How much the scheduler wants to run p next on this_cpu: -1 for a task that yielded, 0 for an
    // exhausted slice, else ticks left plus bonuses (same CPU, same address space, low nice).
    [Linux("kernel/sched.c", "goodness")]
    private static int Goodness(TaskStruct p, int thisCpu, MmStruct? thisMm)
    {
        int weight = -1;
        if ((p.Policy & SchedYield) != 0)
            return weight;

        if (p.Policy == SchedOther)
        {
            weight = p.Counter;
            if (weight == 0)
                return weight;
            if (p.Processor == thisCpu)
                weight += ProcChangePenalty;
            if (p.Mm == thisMm || p.Mm == null)
                weight += 1;
            weight += 20 - p.Nice;
            return weight;
        }

        // Port note: real-time priorities are not modelled (rt_priority is always 0).
        return 1000;
    }

    [Linux("kernel/sched.c", "add_to_runqueue")]
    private void AddToRunqueue(TaskStruct p)
    {
        RunqueueHead.AddTail(p.RunList);
        NrRunning++;
    }

    [Linux("kernel/sched.c", "move_last_runqueue")]
    private void MoveLastRunqueue(TaskStruct p)
    {
        p.RunList.Del();
        RunqueueHead.AddTail(p.RunList);
    }

    [Linux("include/linux/sched.h", "del_from_runqueue")]
    private void DelFromRunqueue(TaskStruct p)
    {
        NrRunning--;
        p.RunList.Del();
    }

    [Linux("include/linux/sched.h", "task_on_runqueue")]
    private static bool TaskOnRunqueue(TaskStruct p) => !p.RunList.IsEmpty;

    /// <summary>Makes <paramref name="p"/> runnable and queues it; returns whether it was asleep.</summary>
    /// <param name="p">The task to wake.</param>
    /// <remarks>Port note: reschedule_idle (kicking another CPU to run the woken task) is not modelled;
    /// the woken task runs when some CPU next schedules.</remarks>
    [Linux("kernel/sched.c", "wake_up_process")]
    public bool WakeUpProcess(TaskStruct p)
    {
        RunqueueLock.Lock();
        p.State = TaskRunning;
        bool success = false;
        if (!TaskOnRunqueue(p))
        {
            AddToRunqueue(p);
            success = true;
        }
        RunqueueLock.Unlock();
        return success;
    }

    /// <summary>
    /// Picks the next task for the executing CPU by goodness (recharging every task's slice when
    /// all runnable ones are spent) and switches to it, handing address spaces over as 2.4 does:
    /// a kernel thread borrows the previous task's mm (lazy TLB) and gives it back when it leaves.
    /// </summary>
    [Linux("kernel/sched.c", "schedule")]
    public void Schedule()
    {
        KernelPanicException.BugOn(Current.ActiveMm == null, "!current->active_mm", "schedule");
    needReschedBack:
        TaskStruct prev = Current;
        int thisCpu = _kernel.CurrentCpu;

        RunqueueLock.Lock();
        if (prev.State == TaskInterruptible && Signal.SignalPending(prev))
            prev.State = TaskRunning;
        else if (prev.State != TaskRunning && TaskOnRunqueue(prev))
            DelFromRunqueue(prev);
        prev.NeedResched = 0;

    repeatSchedule:
        TaskStruct next = InitTasks[thisCpu];
        int c = -1000;
        foreach (TaskStruct p in RunqueueHead.Entries<TaskStruct>())
        {
            if (CanSchedule(p, thisCpu))
            {
                int weight = Goodness(p, thisCpu, prev.ActiveMm);
                if (weight > c)
                {
                    c = weight;
                    next = p;
                }
            }
        }

        if (c == 0)
        {
            RunqueueLock.Unlock();
            foreach (TaskStruct p in ForEachTask())
                p.Counter = (p.Counter >> 1) + NiceToTicks(p.Nice);
            RunqueueLock.Lock();
            goto repeatSchedule;
        }

        _curr[thisCpu] = next;
        next.Processor = thisCpu;
        RunqueueLock.Unlock();

        if (prev == next)
        {
            prev.Policy &= ~SchedYield;
            if (Current.NeedResched != 0)
                goto needReschedBack;
            return;
        }

        ContextSwtch++;
        SwitchAddressSpaces(prev, next);

        // __schedule_tail: the yield is used up once another task has been chosen.
        prev.Policy &= ~SchedYield;
        if (Current.NeedResched != 0)
            goto needReschedBack;
    }

    // The address-space half of a context switch in schedule(): a task without an mm (kernel
    // thread, idle task) borrows the previous task's active_mm and pins it with mm_count (lazy
    // TLB: no page-directory reload), and gives it back when it is switched out.
    private void SwitchAddressSpaces(TaskStruct prev, TaskStruct next)
    {
        MmStruct? mm = next.Mm;
        MmStruct oldmm = prev.ActiveMm!;
        if (mm == null)
        {
            KernelPanicException.BugOn(next.ActiveMm != null, "next->active_mm", "schedule");
            next.ActiveMm = oldmm;
            oldmm.MmCount++;
        }
        else
        {
            KernelPanicException.BugOn(next.ActiveMm != mm, "next->active_mm != mm", "schedule");
            SwitchMm?.Invoke(oldmm, mm, next, _kernel.CurrentCpu);
        }
        if (prev.Mm == null)
        {
            prev.ActiveMm = null;
            _kernel.Fork.Mmdrop(oldmm);
        }
    }

    // A task already running on another CPU cannot be picked (the kernel checks cpus_runnable).
    [Linux("kernel/sched.c", "can_schedule")]
    private bool CanSchedule(TaskStruct p, int cpu)
    {
        for (int other = 0; other < _curr.Length; other++)
            if (other != cpu && _curr[other] == p)
                return false;
        return true;
    }

    /// <summary>Gives up the CPU to any other runnable task, to be picked again after them.</summary>
    [Linux("kernel/sched.c", "yield")]
    public void Yield()
    {
        Current.State = TaskRunning;
        SysSchedYield();
        Schedule();
    }

    /// <summary>Marks current as yielding and moves it to the back of the run queue, if anything else could run.</summary>
    [Linux("kernel/sched.c", "sys_sched_yield")]
    public int SysSchedYield()
    {
        int nrPending = NrRunning;
        for (int i = 0; i < _curr.Length; i++)
            if (_curr[i] != InitTasks[i])
                nrPending--;
        if (nrPending != 0)
        {
            if (Current.Policy == SchedOther)
                Current.Policy |= SchedYield;
            Current.NeedResched = 1;
            RunqueueLock.Lock();
            if (TaskOnRunqueue(Current))
                MoveLastRunqueue(Current);
            RunqueueLock.Unlock();
        }
        return 0;
    }

    /// <summary>Charges one tick to the current task and ends its slice when the counter runs out.</summary>
    /// <param name="userTick">1 if the tick interrupted user mode, 0 if it interrupted the kernel.</param>
    /// <remarks>Port note: per-CPU time totals, interval timers and kstat are not modelled.</remarks>
    [Linux("kernel/timer.c", "update_process_times")]
    public void UpdateProcessTimes(int userTick)
    {
        TaskStruct p = Current;
        int system = userTick ^ 1;
        DoProcessTimes(p, userTick, system);
        if (p.Pid != 0)
        {
            if (--p.Counter <= 0)
            {
                p.Counter = 0;
                if (p.Policy != SchedFifo)
                    p.NeedResched = 1;
            }
        }
    }

    // Adds the tick to the task's times and enforces RLIMIT_CPU: SIGXCPU once a second past the
    // soft limit, SIGKILL past the hard one.
    [Linux("kernel/timer.c", "do_process_times")]
    private void DoProcessTimes(TaskStruct p, int user, int system)
    {
        uint psecs = (uint)(p.Times.TmsUtime += user);
        psecs += (uint)(p.Times.TmsStime += system);
        if (psecs / Hz > p.Rlim[Resource.RlimitCpu].RlimCur)
        {
            if (psecs % Hz == 0)
                _kernel.Signal.SendSig(Signal.Sigxcpu, p, 1);
            if (psecs / Hz > p.Rlim[Resource.RlimitCpu].RlimMax)
                _kernel.Signal.SendSig(Signal.Sigkill, p, 1);
        }
    }

    /// <summary>The timer interrupt: advances jiffies by one and charges the tick to the current task.</summary>
    /// <param name="userTick">1 if the tick interrupted user mode, 0 if it interrupted the kernel.</param>
    [Linux("kernel/timer.c", "do_timer")]
    public void DoTimer(int userTick)
    {
        _kernel.Jiffies++;
        UpdateProcessTimes(userTick);
    }

    /// <summary>
    /// One step of the simulated clock on the executing CPU: a timer tick (counted as user time when
    /// the current task has an address space), then what the interrupt-return path does: schedule
    /// if the slice ran out, and deliver pending signals to a user task about to resume.
    /// </summary>
    public void Step()
    {
        DoTimer(Current.Mm != null ? 1 : 0);
        ReturnFromInterrupt();
    }

    /// <summary>The return-to-user path of entry.S: reschedule when asked, then run do_signal for a task with signals pending.</summary>
    /// <remarks>Port note: a task without an mm is a kernel thread, which never returns to user mode and so never gets here.</remarks>
    public void ReturnFromInterrupt()
    {
        if (Current.NeedResched != 0)
            Schedule();
        if (Current.Sigpending != 0 && Current.Mm != null)
            _kernel.Signal.DoSignal();
    }
}
