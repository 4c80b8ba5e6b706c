using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// kernel/sched.c, with the task list of include/linux/sched.h: which task each CPU runs
/// (<c>current</c>), the run queue, the 2.4 goodness scheduler, and the ways a task sleeps and is
/// woken (wait queues, sleep_on, schedule_timeout, yield).
/// </summary>
/// <remarks>
/// A task that sleeps calls <see cref="Schedule"/> in the middle of kernel code and resumes on the
/// next line when it is picked again, with its own <c>current</c>: every task's kernel code runs on
/// a host thread of its own, and the context switch hands one baton between them
/// (<see cref="Simulation.KernelStacks"/>), so exactly one runs at a time.
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
            // off the task list; the result is what is built here directly: pid 0, not listed. The
            // objects that fork would take for it (two pages of task_struct and stack, and a
            // signal_act, files_cache and fs_cache object) are not allocated.
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

    // Makes p runnable and queues it; returns whether it was asleep. Port note: reschedule_idle
    // (asking an idle or worse-placed CPU to reschedule at once) is not modelled: a woken task is
    // picked when a CPU next schedules, and an idle CPU schedules as soon as anything is runnable.
    [Linux("kernel/sched.c", "try_to_wake_up")]
    private bool TryToWakeUp(TaskStruct p, bool synchronous)
    {
        _ = synchronous;
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

    /// <summary>Makes <paramref name="p"/> runnable and queues it; returns whether it was asleep.</summary>
    /// <param name="p">The task to wake.</param>
    [Linux("kernel/sched.c", "wake_up_process")]
    public bool WakeUpProcess(TaskStruct p) => TryToWakeUp(p, false);

    /// <summary>Largest timeout: sleep with no timer at all.</summary>
    [Linux("include/linux/sched.h", "MAX_SCHEDULE_TIMEOUT")]
    public const long MaxScheduleTimeout = long.MaxValue;

    // The timer function schedule_timeout arms: wakes the sleeper.
    [Linux("kernel/sched.c", "process_timeout")]
    private void ProcessTimeout(object? data) => WakeUpProcess((TaskStruct)data!);

    /// <summary>
    /// Sleeps for up to <paramref name="timeout"/> jiffies, in the state the caller set beforehand,
    /// and returns the jiffies left (0 if the time ran out). A caller that left itself
    /// TASK_RUNNING does not sleep at all.
    /// </summary>
    /// <param name="timeout">Jiffies, or <see cref="MaxScheduleTimeout"/> for no timer.</param>
    [Linux("kernel/sched.c", "schedule_timeout")]
    public long ScheduleTimeout(long timeout)
    {
        if (timeout == MaxScheduleTimeout)
        {
            Schedule();
            return timeout;
        }
        if (timeout < 0)
        {
            _kernel.Printk($"schedule_timeout: wrong timeout value {timeout:x}");
            Current.State = TaskRunning;
            return 0;
        }
        uint expire = (uint)timeout + (uint)_kernel.Jiffies;
        var timer = new TimerList(ProcessTimeout) { Expires = expire, Data = Current };
        _kernel.Timer.AddTimer(timer);
        Schedule();
        _kernel.Timer.DelTimerSync(timer);
        timeout = (int)(expire - (uint)_kernel.Jiffies);
        return timeout < 0 ? 0 : timeout;
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

        // __schedule_tail: the yield is used up once another task has been chosen. (Port note:
        // done before the switch instead of after it on next's stack; nothing runs in between.)
        prev.Policy &= ~SchedYield;

        // switch_to: this thread stops here and next's carries on. When prev is picked again the
        // call returns, on prev's own stack. Code that ran for a task in user mode or for the idle
        // task (the simulation's clock) has nothing to resume and simply returns.
        if (!_kernel.Stacks.SwitchTo(prev, next))
            return;
        if (Current.NeedResched != 0)
            goto needReschedBack;
    }

    /// <summary>
    /// Puts <paramref name="next"/> on the executing CPU as if schedule() had picked it there: the
    /// simulation's driver uses it when it makes a task (running in user mode, or runnable) enter
    /// a system call on a CPU where another task was in user mode or idle.
    /// </summary>
    /// <param name="next">A runnable task not current anywhere, not inside the kernel.</param>
    /// <remarks>Not a kernel function: the driver stands in for the scheduler having run
    /// <paramref name="next"/> on this CPU. The address-space hand-over is schedule's own;
    /// context_swtch does not count it.</remarks>
    internal void PutOnCpu(TaskStruct next)
    {
        int cpu = _kernel.CurrentCpu;
        TaskStruct prev = _curr[cpu];
        if (prev == next)
            return;
        _curr[cpu] = next;
        next.Processor = cpu;
        SwitchAddressSpaces(prev, next);
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
            _kernel.Arch.SwitchMm(oldmm, mm, next, _kernel.CurrentCpu);
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

    // Wakes the tasks on q whose state is in mode: every non-exclusive waiter, and exclusive
    // ones until nrExclusive of them were woken (0: all).
    [Linux("kernel/sched.c", "__wake_up_common")]
    private void WakeUpCommon(WaitQueueHead q, int mode, int nrExclusive, bool sync)
    {
        ListHead tmp = q.TaskList.Next;
        while (tmp != q.TaskList)
        {
            var curr = tmp.Entry<WaitQueue>();
            tmp = tmp.Next;
            TaskStruct p = curr.Task;
            if ((p.State & mode) != 0)
            {
                if (TryToWakeUp(p, sync) && (curr.Flags & WaitQueue.WqFlagExclusive) != 0 && --nrExclusive == 0)
                    break;
            }
        }
    }

    /// <summary>Wakes the waiters of <paramref name="q"/> whose state is in <paramref name="mode"/>: all non-exclusive ones, and <paramref name="nr"/> exclusive ones (0: all).</summary>
    /// <param name="q">The queue.</param>
    /// <param name="mode">TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE or both.</param>
    /// <param name="nr">Exclusive waiters to wake; 0 for all.</param>
    [Linux("kernel/sched.c", "__wake_up")]
    public void WakeUp(WaitQueueHead q, int mode, int nr)
    {
        q.Lock.Lock();
        WakeUpCommon(q, mode, nr, false);
        q.Lock.Unlock();
    }

    /// <summary>Wakes every sleeper of <paramref name="q"/> but at most one exclusive one.</summary>
    /// <param name="q">The queue.</param>
    [Linux("include/linux/sched.h", "wake_up")]
    public void WakeUp(WaitQueueHead q) => WakeUp(q, TaskUninterruptible | TaskInterruptible, 1);

    /// <summary>Wakes every sleeper of <paramref name="q"/>.</summary>
    /// <param name="q">The queue.</param>
    [Linux("include/linux/sched.h", "wake_up_all")]
    public void WakeUpAll(WaitQueueHead q) => WakeUp(q, TaskUninterruptible | TaskInterruptible, 0);

    /// <summary>Wakes the interruptible sleepers of <paramref name="q"/>, at most one exclusive one.</summary>
    /// <param name="q">The queue.</param>
    [Linux("include/linux/sched.h", "wake_up_interruptible")]
    public void WakeUpInterruptible(WaitQueueHead q) => WakeUp(q, TaskInterruptible, 1);

    // SLEEP_ON_HEAD: queue current (non-exclusively) on q.
    private WaitQueue SleepOnHead(WaitQueueHead q)
    {
        var wait = new WaitQueue(Current);
        q.Lock.Lock();
        q.AddLocked(wait);
        q.Lock.Unlock();
        return wait;
    }

    // SLEEP_ON_TAIL: take the entry off q again.
    private static void SleepOnTail(WaitQueueHead q, WaitQueue wait)
    {
        q.Lock.Lock();
        WaitQueueHead.RemoveLocked(wait);
        q.Lock.Unlock();
    }

    /// <summary>Sleeps on <paramref name="q"/> until woken or signalled.</summary>
    /// <param name="q">The queue.</param>
    [Linux("kernel/sched.c", "interruptible_sleep_on")]
    public void InterruptibleSleepOn(WaitQueueHead q)
    {
        Current.State = TaskInterruptible;
        WaitQueue wait = SleepOnHead(q);
        Schedule();
        SleepOnTail(q, wait);
    }

    /// <summary>Sleeps on <paramref name="q"/> until woken, signalled or <paramref name="timeout"/> jiffies pass; returns the jiffies left.</summary>
    /// <param name="q">The queue.</param>
    /// <param name="timeout">Jiffies.</param>
    [Linux("kernel/sched.c", "interruptible_sleep_on_timeout")]
    public long InterruptibleSleepOnTimeout(WaitQueueHead q, long timeout)
    {
        Current.State = TaskInterruptible;
        WaitQueue wait = SleepOnHead(q);
        timeout = ScheduleTimeout(timeout);
        SleepOnTail(q, wait);
        return timeout;
    }

    /// <summary>Sleeps on <paramref name="q"/> until woken; signals do not wake it.</summary>
    /// <param name="q">The queue.</param>
    [Linux("kernel/sched.c", "sleep_on")]
    public void SleepOn(WaitQueueHead q)
    {
        Current.State = TaskUninterruptible;
        WaitQueue wait = SleepOnHead(q);
        Schedule();
        SleepOnTail(q, wait);
    }

    /// <summary>Sleeps on <paramref name="q"/> until woken or <paramref name="timeout"/> jiffies pass; returns the jiffies left.</summary>
    /// <param name="q">The queue.</param>
    /// <param name="timeout">Jiffies.</param>
    [Linux("kernel/sched.c", "sleep_on_timeout")]
    public long SleepOnTimeout(WaitQueueHead q, long timeout)
    {
        Current.State = TaskUninterruptible;
        WaitQueue wait = SleepOnHead(q);
        timeout = ScheduleTimeout(timeout);
        SleepOnTail(q, wait);
        return timeout;
    }

    /// <summary>Sleeps uninterruptibly on <paramref name="wq"/> until <paramref name="condition"/> holds, checking it after each wake-up.</summary>
    /// <param name="wq">The queue the condition's writer wakes.</param>
    /// <param name="condition">What to wait for.</param>
    [Linux("include/linux/sched.h", "wait_event")]
    public void WaitEvent(WaitQueueHead wq, Func<bool> condition)
    {
        if (condition())
            return;
        var wait = new WaitQueue(Current);
        wq.Add(wait);
        for (;;)
        {
            Current.State = TaskUninterruptible;
            if (condition())
                break;
            Schedule();
        }
        Current.State = TaskRunning;
        wq.Remove(wait);
    }

    /// <summary>As <see cref="WaitEvent"/>, but a signal ends the wait: returns 0, or -ERESTARTSYS if a signal came first.</summary>
    /// <param name="wq">The queue the condition's writer wakes.</param>
    /// <param name="condition">What to wait for.</param>
    [Linux("include/linux/sched.h", "wait_event_interruptible")]
    public int WaitEventInterruptible(WaitQueueHead wq, Func<bool> condition)
    {
        int ret = 0;
        if (condition())
            return ret;
        var wait = new WaitQueue(Current);
        wq.Add(wait);
        for (;;)
        {
            Current.State = TaskInterruptible;
            if (condition())
                break;
            if (!Signal.SignalPending(Current))
            {
                Schedule();
                continue;
            }
            ret = -Errno.Erestartsys;
            break;
        }
        Current.State = TaskRunning;
        wq.Remove(wait);
        return ret;
    }

    /// <summary>
    /// Turns current into a kernel thread without user resources: it drops its address space
    /// and joins session and process group 1.
    /// </summary>
    /// <remarks>Port note: the tty, fs_struct and files_struct are not modelled.</remarks>
    [Linux("kernel/sched.c", "daemonize")]
    public void Daemonize()
    {
        _kernel.Exit.ExitMm(Current);
        Current.Session = 1;
        Current.Pgrp = 1;
    }

    /// <summary>True when some task other than the CPUs' current ones is runnable and may run on <paramref name="cpu"/>.</summary>
    /// <param name="cpu">A CPU.</param>
    /// <remarks>Not a kernel function: the simulation's idle loop asks it before calling schedule.</remarks>
    public bool HasWorkFor(int cpu)
    {
        foreach (TaskStruct p in RunqueueHead.Entries<TaskStruct>())
            if (p != _curr[cpu] && CanSchedule(p, cpu))
                return true;
        return false;
    }
}
