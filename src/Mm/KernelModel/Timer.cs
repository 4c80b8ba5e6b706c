using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.KernelModel;

/// <summary>
/// One kernel timer, <c>struct timer_list</c> (include/linux/timer.h): a function to call with
/// <see cref="Data"/> once jiffies reaches <see cref="Expires"/>. schedule_timeout puts one on the
/// sleeping task's stack; kswapd and the block layer keep theirs for good.
/// </summary>
[Linux("include/linux/timer.h", "struct timer_list")]
public sealed class TimerList
{
    /// <summary>Creates a timer that is not pending (<c>init_timer</c>) and will call <paramref name="function"/> when it fires.</summary>
    /// <param name="function">What runs when the timer fires; fixed for the timer's life.</param>
    [Linux("include/linux/timer.h", "init_timer")]
    public TimerList(Action<object?> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        Function = function;
        List = new ListHead(this) { Next = null!, Prev = null! };
    }

    /// <summary>The link in one of the timer wheel's lists; both pointers null while the timer is not pending.</summary>
    [Linux("include/linux/timer.h", "timer_list.list")]
    public ListHead List { get; }

    /// <summary>The jiffies value at which the timer fires.</summary>
    [Linux("include/linux/timer.h", "timer_list.expires")]
    public uint Expires { get; set; }

    /// <summary>The argument passed to <see cref="Function"/>.</summary>
    [Linux("include/linux/timer.h", "timer_list.data")]
    public object? Data { get; set; }

    /// <summary>What runs when the timer fires, in the timer bottom half.</summary>
    [Linux("include/linux/timer.h", "timer_list.function")]
    public Action<object?> Function { get; }

    /// <summary>True while the timer is queued.</summary>
    [Linux("include/linux/timer.h", "timer_pending")]
    public bool Pending => List.Next != null;
}

/// <summary>
/// kernel/timer.c: the clock tick and the kernel timers. Each tick advances jiffies, charges the
/// tick to the task each CPU is running, and runs every timer whose time has come. Timers wait in
/// a five-level wheel: the first level holds one list for each of the next 256 ticks, each higher
/// level 64 lists that each cover 64 times the span of one list below, and when the first level
/// wraps around the next list of the level above is spread out ("cascaded") one level down.
/// Adding, changing and deleting a timer is a constant-time list operation, whatever its delay.
/// </summary>
/// <remarks>Port note: the wall-clock (xtime, NTP), load average, interval timers and the task
/// queues of timer.c are not modelled.</remarks>
public sealed class Timer
{
    /// <summary>Lists in each upper level of the wheel, as a bit count.</summary>
    [Linux("kernel/timer.c", "TVN_BITS")] public const int TvnBits = 6;
    /// <summary>Lists in the first level of the wheel, as a bit count.</summary>
    [Linux("kernel/timer.c", "TVR_BITS")] public const int TvrBits = 8;
    /// <summary>Lists in each upper level: 64.</summary>
    [Linux("kernel/timer.c", "TVN_SIZE")] public const int TvnSize = 1 << TvnBits;
    /// <summary>Lists in the first level: 256.</summary>
    [Linux("kernel/timer.c", "TVR_SIZE")] public const int TvrSize = 1 << TvrBits;
    /// <summary>Index mask of an upper level.</summary>
    [Linux("kernel/timer.c", "TVN_MASK")] public const int TvnMask = TvnSize - 1;
    /// <summary>Index mask of the first level.</summary>
    [Linux("kernel/timer.c", "TVR_MASK")] public const int TvrMask = TvrSize - 1;

    private readonly Kernel _kernel;

    /// <summary>Creates the timer state of <paramref name="kernel"/>; <see cref="InitTimervecs"/> sets the wheel up.</summary>
    /// <param name="kernel">The kernel.</param>
    public Timer(Kernel kernel)
    {
        _kernel = kernel;
        Tvecs = new TimerVec[5];
        Tvecs[0] = new TimerVec(TvrSize);
        for (int i = 1; i < Tvecs.Length; i++)
            Tvecs[i] = new TimerVec(TvnSize);
    }

    /// <summary>One level of the wheel: a ring of lists and the index of the one due next.</summary>
    [Linux("kernel/timer.c", "struct timer_vec")]
    public sealed class TimerVec
    {
        internal TimerVec(int size)
        {
            Vec = new ListHead[size];
            for (int i = 0; i < size; i++)
                Vec[i] = new ListHead(this);
        }

        /// <summary>The list whose turn comes next.</summary>
        [Linux("kernel/timer.c", "timer_vec.index")]
        public int Index { get; set; }

        /// <summary>The lists.</summary>
        [Linux("kernel/timer.c", "timer_vec.vec")]
        public ListHead[] Vec { get; }
    }

    /// <summary>The five levels, tv1 (256 lists of one tick) to tv5.</summary>
    [Linux("kernel/timer.c", "tvecs")]
    public TimerVec[] Tvecs { get; }

    /// <summary>Guards the wheel.</summary>
    [Linux("kernel/timer.c", "timerlist_lock")]
    public SpinLock TimerlistLock { get; } = new("timerlist_lock");

    /// <summary>The tick the wheel has been run up to: the first tick not yet processed.</summary>
    [Linux("kernel/timer.c", "timer_jiffies")]
    public uint TimerJiffies { get; private set; }

    // While the timer list runs, timers added by the handlers wait on this list and are sorted
    // into the wheel when the current tick is done.
    [Linux("kernel/timer.c", "run_timer_list_running")]
    private ListHead? _runTimerListRunning;

    /// <summary>Empties every list of the wheel (called from sched_init).</summary>
    [Linux("kernel/timer.c", "init_timervecs")]
    public void InitTimervecs()
    {
        foreach (TimerVec tv in Tvecs)
            foreach (ListHead head in tv.Vec)
                head.Init();
    }

    // Files a timer in the list that covers its expiry: the first level if it is due within 256
    // ticks of the wheel's position, else the lowest level whose span reaches it. A timer already
    // due goes to the list being run now.
    [Linux("kernel/timer.c", "internal_add_timer")]
    private void InternalAddTimer(TimerList timer)
    {
        uint expires = timer.Expires;
        uint idx = expires - TimerJiffies;
        ListHead vec;

        if (_runTimerListRunning != null)
            vec = _runTimerListRunning;
        else if (idx < TvrSize)
            vec = Tvecs[0].Vec[expires & TvrMask];
        else if (idx < 1u << (TvrBits + TvnBits))
            vec = Tvecs[1].Vec[(expires >> TvrBits) & TvnMask];
        else if (idx < 1u << (TvrBits + 2 * TvnBits))
            vec = Tvecs[2].Vec[(expires >> (TvrBits + TvnBits)) & TvnMask];
        else if (idx < 1u << (TvrBits + 3 * TvnBits))
            vec = Tvecs[3].Vec[(expires >> (TvrBits + 2 * TvnBits)) & TvnMask];
        else if ((int)idx < 0)
            vec = Tvecs[0].Vec[Tvecs[0].Index];   // already in the past: run on the next tick processed
        else
            vec = Tvecs[4].Vec[(expires >> (TvrBits + 3 * TvnBits)) & TvnMask];
        vec.AddTail(timer.List);   // first in, first out among timers of the same tick
    }

    /// <summary>Queues a timer that is not pending; adding a pending one is reported and ignored.</summary>
    /// <param name="timer">The timer, with its expiry, function and data set.</param>
    [Linux("kernel/timer.c", "add_timer")]
    public void AddTimer(TimerList timer)
    {
        TimerlistLock.Lock();
        if (timer.Pending)
        {
            TimerlistLock.Unlock();
            _kernel.Printk("bug: kernel timer added twice.");
            return;
        }
        InternalAddTimer(timer);
        _queued++;
        TimerlistLock.Unlock();
    }

    [Linux("kernel/timer.c", "detach_timer")]
    private static bool DetachTimer(TimerList timer)
    {
        if (!timer.Pending)
            return false;
        timer.List.Del();
        return true;
    }

    /// <summary>Moves a timer to a new expiry, queuing it if it was not; returns whether it was pending.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="expires">The new expiry in jiffies.</param>
    [Linux("kernel/timer.c", "mod_timer")]
    public bool ModTimer(TimerList timer, uint expires)
    {
        TimerlistLock.Lock();
        timer.Expires = expires;
        bool ret = DetachTimer(timer);
        InternalAddTimer(timer);
        if (!ret)
            _queued++;
        TimerlistLock.Unlock();
        return ret;
    }

    /// <summary>Takes a timer off the wheel; returns whether it was pending.</summary>
    /// <param name="timer">The timer.</param>
    [Linux("kernel/timer.c", "del_timer")]
    public bool DelTimer(TimerList timer)
    {
        TimerlistLock.Lock();
        bool ret = DetachTimer(timer);
        timer.List.Next = timer.List.Prev = null!;
        if (ret)
            _queued--;
        TimerlistLock.Unlock();
        return ret;
    }

    /// <summary>Takes a timer off the wheel and makes sure its function is not running on another CPU.</summary>
    /// <param name="timer">The timer.</param>
    /// <remarks>Port note: handlers run to completion before anything else runs in the simulation,
    /// so no other CPU can be inside the handler and the wait of the SMP version never waits.</remarks>
    [Linux("kernel/timer.c", "del_timer_sync")]
    public int DelTimerSync(TimerList timer) => DelTimer(timer) ? 1 : 0;

    // Re-files every timer of the current list of an upper level into the levels below, then
    // moves that level on by one list.
    [Linux("kernel/timer.c", "cascade_timers")]
    private void CascadeTimers(TimerVec tv)
    {
        ListHead head = tv.Vec[tv.Index];
        ListHead curr = head.Next;
        while (curr != head)
        {
            var tmp = (TimerList)curr.Owner!;
            ListHead next = curr.Next;
            curr.Del();
            InternalAddTimer(tmp);
            curr = next;
        }
        head.Init();
        tv.Index = (tv.Index + 1) & TvnMask;
    }

    /// <summary>Runs every timer due up to the current jiffies, tick by tick, cascading the upper levels as the first one wraps.</summary>
    [Linux("kernel/timer.c", "run_timer_list")]
    public void RunTimerList()
    {
        TimerlistLock.Lock();
        if (_queued == 0)
        {
            // Port note: with nothing queued, stepping the wheel tick by tick only moves its
            // indexes; they are set straight to where that would leave them. (Tests that set
            // jiffies far ahead would otherwise step through billions of empty ticks.)
            if ((int)((uint)_kernel.Jiffies - TimerJiffies) >= 0)
                PlaceEmptyWheel((uint)_kernel.Jiffies + 1);
            TimerlistLock.Unlock();
            return;
        }
        while ((int)((uint)_kernel.Jiffies - TimerJiffies) >= 0)
        {
            var queued = new ListHead();
            if (Tvecs[0].Index == 0)
            {
                int n = 1;
                do
                {
                    CascadeTimers(Tvecs[n]);
                } while (Tvecs[n].Index == 1 && ++n < Tvecs.Length);
            }
            _runTimerListRunning = queued;
            for (;;)
            {
                ListHead head = Tvecs[0].Vec[Tvecs[0].Index];
                ListHead curr = head.Next;
                if (curr == head)
                    break;
                var timer = (TimerList)curr.Owner!;
                Action<object?> fn = timer.Function;
                object? data = timer.Data;
                DetachTimer(timer);
                timer.List.Next = timer.List.Prev = null!;
                _queued--;
                TimerlistLock.Unlock();
                fn(data);
                TimerlistLock.Lock();
            }
            _runTimerListRunning = null;
            TimerJiffies++;
            Tvecs[0].Index = (Tvecs[0].Index + 1) & TvrMask;

            ListHead q = queued.Next;
            while (q != queued)
            {
                var timer = (TimerList)q.Owner!;
                q = q.Next;
                InternalAddTimer(timer);
            }
        }
        TimerlistLock.Unlock();
    }

    // The indexes an empty wheel has once it has been stepped from tick 0 up to (not including)
    // tick t: tv1 one list per tick; tv2 moves on each time tv1 is at list 0 (ticks 0, 256, ...);
    // each level above moves on each time the level below has just moved to list 1.
    private void PlaceEmptyWheel(uint t)
    {
        TimerJiffies = t;
        Tvecs[0].Index = (int)(t & TvrMask);
        ulong moves = ((ulong)t + TvrMask) >> TvrBits;
        for (int n = 1; n < Tvecs.Length; n++)
        {
            Tvecs[n].Index = (int)(moves & TvnMask);
            moves = (moves + TvnMask) >> TvnBits;
        }
    }

    /// <summary>Number of timers queued on the wheel.</summary>
    public int Queued => _queued;

    private int _queued;

    /// <summary>
    /// The earliest expiry among the pending timers, or null when none is pending. Not a kernel
    /// function: the simulation's idle loop uses it to jump the clock to the next event instead of
    /// ticking through an idle machine one jiffy at a time.
    /// </summary>
    public uint? NextExpiry()
    {
        uint? best = null;
        if (_queued == 0)
            return best;
        foreach (TimerVec tv in Tvecs)
            foreach (ListHead head in tv.Vec)
                for (ListHead l = head.Next; l != head; l = l.Next)
                {
                    uint e = ((TimerList)l.Owner!).Expires;
                    if (best is null || (int)(e - best.Value) < 0)
                        best = e;
                }
        return best;
    }

    /// <summary>Charges one tick to the task running on the executing CPU and ends its slice when the counter runs out.</summary>
    /// <param name="userTick">1 if the tick interrupted user mode, 0 if it interrupted the kernel.</param>
    /// <remarks>Port note: per-CPU time totals, interval timers and kstat are not modelled.</remarks>
    [Linux("kernel/timer.c", "update_process_times")]
    public void UpdateProcessTimes(int userTick)
    {
        TaskStruct p = _kernel.Sched.Current;
        int system = userTick ^ 1;
        DoProcessTimes(p, userTick, system);
        if (p.Pid != 0)
        {
            if (--p.Counter <= 0)
            {
                p.Counter = 0;
                if (p.Policy != Sched.SchedFifo)
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
        if (psecs / Sched.Hz > p.Rlim[Resource.RlimitCpu].RlimCur)
        {
            if (psecs % Sched.Hz == 0)
                _kernel.Signal.SendSig(Signal.Sigxcpu, p, 1);
            if (psecs / Sched.Hz > p.Rlim[Resource.RlimitCpu].RlimMax)
                _kernel.Signal.SendSig(Signal.Sigkill, p, 1);
        }
    }

    /// <summary>The global timer interrupt (IRQ 0 on the boot CPU): advances jiffies by one.</summary>
    /// <remarks>The kernel is the SMP build, where each CPU's local APIC timer charges its own
    /// current task (<see cref="UpdateProcessTimes"/>) and the timer bottom half runs the timers
    /// (<see cref="TimerBh"/>); the simulation's clock calls those in turn.</remarks>
    [Linux("kernel/timer.c", "do_timer")]
    public void DoTimer() => _kernel.Jiffies++;

    /// <summary>The timer bottom half: runs the timers that are due.</summary>
    /// <remarks>Port note: update_times (wall clock and load average) is not modelled.</remarks>
    [Linux("kernel/timer.c", "timer_bh")]
    public void TimerBh() => RunTimerList();
}
