using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm;

/// <summary>
/// mm/oom_kill.c: when reclaim has failed and there is no swap left, choose one process whose
/// death frees the most memory for the least lost work, and kill it (and every task sharing its
/// address space).
/// </summary>
/// <remarks>
/// The caller is try_to_free_pages_zone in mm/vmscan.c, after shrink_caches has failed at every
/// priority. Until vmscan is ported, <see cref="OutOfMemory"/> is called directly by tests and
/// exercises, standing in for that failed reclaim.
/// </remarks>
public sealed class OomKill
{
    private readonly Kernel _kernel;

    // The rate limiter's memory (static locals of out_of_memory). Jiffies values, 32-bit as on i386.
    private uint _first, _last, _count, _lastkill;

    /// <summary>Creates the OOM killer of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    public OomKill(Kernel kernel) => _kernel = kernel;

    /// <summary>When the current run of failures began (jiffies).</summary>
    public uint First => _first;

    /// <summary>When out_of_memory was last called (jiffies).</summary>
    public uint Last => _last;

    /// <summary>Failures counted since <see cref="First"/>.</summary>
    public uint Count => _count;

    /// <summary>When the OOM killer last killed (jiffies; 0 before the first kill).</summary>
    public uint Lastkill => _lastkill;

    /// <summary>
    /// A very rough square root: halve the result once for every two bits shifted out of
    /// <paramref name="x"/>, then take off a quarter if a bit was left over. Never returns 0, so
    /// callers may divide by it.
    /// </summary>
    /// <param name="x">The number.</param>
    /// <remarks>
    /// Examples: 0 to 3 give 1; 4 gives 2; 16 gives 3; 25 gives 5; 100 gives 9; 10000 gives 78.
    /// The answer is within a factor of two of the true root, which is all the badness score needs.
    /// </remarks>
    [Linux("mm/oom_kill.c", "int_sqrt")]
    public static uint IntSqrt(uint x)
    {
        uint @out = x;
        while ((x & ~1u) != 0)
        {
            x >>= 2;
            @out >>= 1;
        }
        if (x != 0)
            @out -= @out >> 2;
        return @out != 0 ? @out : 1;
    }

    /// <summary>
    /// The task's score: its address-space size in pages, divided by roots of the CPU time it has
    /// used and of how long it has run, doubled if niced, quartered for root or CAP_SYS_ADMIN and
    /// quartered again for CAP_SYS_RAWIO. 0 for a task with no address space (a kernel thread or a
    /// zombie).
    /// </summary>
    /// <param name="p">The task.</param>
    [Linux("mm/oom_kill.c", "badness")]
    public int Badness(TaskStruct p)
    {
        if (p.Mm == null)
            return 0;

        // #region score
        int points = (int)p.Mm.TotalVm;

        // CPU time in units of 2^10 ticks (10.24 s at HZ = 100), run time in units of 2^17 ticks
        // (about 21.8 minutes).
        int cpuTime = (p.Times.TmsUtime + p.Times.TmsStime) >> (Sched.ShiftHz + 3);
        int runTime = (int)(((uint)_kernel.Jiffies - p.StartTime) >> (Sched.ShiftHz + 10));

        points /= (int)IntSqrt((uint)cpuTime);
        points /= (int)IntSqrt(IntSqrt((uint)runTime));

        if (p.Nice > 0)
            points *= 2;

        if ((p.CapEffective & Capability.CapToMask(Capability.CapSysAdmin)) != 0 || p.Uid == 0 || p.Euid == 0)
            points /= 4;

        if ((p.CapEffective & Capability.CapToMask(Capability.CapSysRawio)) != 0)
            points /= 4;
        // #endregion
        return points;
    }

    /// <summary>The task with the highest badness, skipping pid 0; null when every score is 0.</summary>
    /// <remarks>Ties go to the task met first on the task list (the older one), since only a strictly higher score replaces the choice.</remarks>
    [Linux("mm/oom_kill.c", "select_bad_process")]
    public TaskStruct? SelectBadProcess()
    {
        int maxpoints = 0;
        TaskStruct? chosen = null;

        foreach (TaskStruct p in _kernel.Sched.ForEachTask())
        {
            if (p.Pid != 0)
            {
                int points = Badness(p);
                if (points > maxpoints)
                {
                    chosen = p;
                    maxpoints = points;
                }
            }
        }
        return chosen;
    }

    /// <summary>
    /// Condemns <paramref name="p"/>: a full-length slice of 5 seconds' worth of ticks so it gets
    /// the CPU, PF_MEMALLOC|PF_MEMDIE so its dying allocations may use the last reserves, and a
    /// forced SIGKILL (SIGTERM for a task with raw hardware access, which may need to clean up).
    /// </summary>
    /// <param name="p">The task to kill.</param>
    [Linux("mm/oom_kill.c", "oom_kill_task")]
    public void OomKillTask(TaskStruct p)
    {
        _kernel.Printk($"Out of Memory: Killed process {p.Pid} ({p.Comm}).");

        p.Counter = 5 * Sched.Hz;
        p.Flags |= TaskStruct.PfMemalloc | TaskStruct.PfMemdie;

        if ((p.CapEffective & Capability.CapToMask(Capability.CapSysRawio)) != 0)
            _kernel.Signal.ForceSig(Signal.Sigterm, p);
        else
            _kernel.Signal.ForceSig(Signal.Sigkill, p);
    }

    // Picks the victim and kills every task that shares its address space (its threads), since
    // killing one thread frees nothing while the others hold the mm. Then steps aside so the
    // victim can run and exit.
    [Linux("mm/oom_kill.c", "oom_kill")]
    private void Kill()
    {
        _kernel.Sched.TasklistLock.Lock();
        TaskStruct? p = SelectBadProcess();

        if (p == null)
        {
            _kernel.Sched.TasklistLock.Unlock();
            throw new KernelPanicException("Out of memory and no killable processes...", "oom_kill");
        }

        foreach (TaskStruct q in _kernel.Sched.ForEachTask())
        {
            if (q.Mm == p.Mm)
                OomKillTask(q);
        }
        _kernel.Sched.TasklistLock.Unlock();

        _kernel.Sched.Yield();
    }

    /// <summary>
    /// Reclaim has failed: decide whether the machine is really out of memory, and if so kill
    /// something. Free swap means no. Otherwise it must keep failing: a failure more than 5 s after
    /// the previous one starts a new count; within a run, nothing happens until at least 1 s has
    /// passed since the run began and this is the 10th failure or later; and no kill happens
    /// within 5 s of the previous kill. A kill starts a new run.
    /// </summary>
    [Linux("mm/oom_kill.c", "out_of_memory")]
    public void OutOfMemory()
    {
        if (_kernel.PageAlloc.NrSwapPages > 0)
            return;

        // #region ratelimit
        uint now = (uint)_kernel.Jiffies;
        uint since = now - _last;
        _last = now;

        if (since > 5 * Sched.Hz)
            goto reset;

        since = now - _first;
        if (since < Sched.Hz)
            return;

        if (++_count < 10)
            return;

        since = now - _lastkill;
        if (since < Sched.Hz * 5)
            return;

        _lastkill = now;
        Kill();
        // #endregion

    reset:
        _first = now;
        _count = 0;
    }
}
