using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Exercises;

/// <summary>
/// Chapter 1, Out of memory management: exercises on mm/oom_kill.c. Numbers use HZ = 100, so a
/// second is 100 jiffies; badness counts CPU time in units of 1024 ticks and run time in units of
/// 131072 ticks.
/// </summary>
public class Chapter01Oom
{
    private const int Hz = Sched.Hz;

    // A machine whose clock reads `now` jiffies. The OOM killer needs no free memory to reason
    // about: it is driven directly, as vmscan would after reclaim failed.
    private static Kernel Machine(uint now)
    {
        var k = LinuxVm.Arch.X86.Machine.Boot(new MachineConfig { RamBytes = MachineConfig.MinRam }).Kernel;
        k.Jiffies = now;
        return k;
    }

    // What the OOM killer has printed since the machine booted, one line per kill.
    private static List<string> Kills(Kernel k) =>
        [.. k.KernelLog.Where(l => l.StartsWith("Out of Memory: ", StringComparison.Ordinal))];

    // A process started at `start`, with `pages` of address space and `cpuTicks` of CPU time. It
    // is forked by root; a non-root one then calls setuid(uid), which clears the permitted and
    // effective sets (cap_emulate_setxuid). Then it execs, and gets the capabilities exec gives
    // that user (prepare_binprm and compute_creds): none for an ordinary user, CAP_INIT_EFF_SET
    // for root, CAP_SYS_RAWIO included (pid 1 keeps the set it has, init_task's, the same one).
    // `dropRawio` stands for a root daemon that gave CAP_SYS_RAWIO up with capset after exec.
    private static TaskStruct Process(Kernel k, string comm, uint pages, int cpuTicks, uint start,
        uint uid = 1000, int nice = 0, bool dropRawio = false)
    {
        TaskStruct p = k.Driver.Spawn(comm);
        p.Mm!.TotalVm = pages;
        p.Times.TmsUtime = cpuTicks;
        p.StartTime = start;
        p.Uid = p.Euid = p.Suid = p.Fsuid = uid;
        p.Nice = nice;
        if (uid != 0)
            p.CapPermitted = p.CapEffective = 0;
        k.Driver.RunAs(p, () =>
        {
            var bprm = new LinuxBinprm();
            k.Exec.PrepareBinprm(bprm);
            k.Exec.ComputeCreds(bprm);
        });
        if (dropRawio)
            p.CapEffective &= ~Capability.CapToMask(Capability.CapSysRawio);
        return p;
    }

    /// <summary>
    /// What does int_sqrt give for 0, 16, 64, 100 and 10000? It halves the answer for every two
    /// bits it shifts out and takes a quarter off if one bit is left: 0 gives 1 (never 0, it is a
    /// divisor), 16 gives 3, 64 gives 6 (less than int_sqrt(63) = 7: the approximation is not even
    /// monotonic), 100 gives 9 and 10000 gives 78.
    /// </summary>
    [Fact, Chapter(1)]
    public void IntSqrt_IsARoughRootThatNeverReturnsZero()
    {
        Assert.Equal(1u, OomKill.IntSqrt(0));
        Assert.Equal(3u, OomKill.IntSqrt(16));
        Assert.Equal(7u, OomKill.IntSqrt(63));
        Assert.Equal(6u, OomKill.IntSqrt(64));
        Assert.Equal(9u, OomKill.IntSqrt(100));
        Assert.Equal(78u, OomKill.IntSqrt(10000));
    }

    /// <summary>
    /// A user's 100 MiB process (25600 pages) starts and is chosen at once. Its badness? CPU time
    /// 0 and run time 0 both give a divisor of int_sqrt(0) = 1, it is not niced and has no
    /// privileges: the score is its size in pages, 25600.
    /// </summary>
    [Fact, Chapter(1)]
    public void Badness_OfAFreshProcess_IsItsSizeInPages()
    {
        var k = Machine(now: 1000);
        var p = Process(k, "bigapp", pages: 25600, cpuTicks: 0, start: 1000);
        Assert.Equal(25600, k.OomKill.Badness(p));
    }

    /// <summary>
    /// The same 25600-page process has used 100 s of CPU (10000 ticks) and has run for an hour
    /// (360000 ticks). CPU time is 10000 >> 10 = 9 units, int_sqrt(9) = 2; run time is
    /// 360000 >> 17 = 2 units, int_sqrt(int_sqrt(2)) = 1. Badness 25600 / 2 / 1 = 12800.
    /// </summary>
    [Fact, Chapter(1)]
    public void Badness_CpuTime_DividesByItsRoughRoot()
    {
        var k = Machine(now: 360000);
        var p = Process(k, "worker", pages: 25600, cpuTicks: 10000, start: 0);
        Assert.Equal(12800, k.OomKill.Badness(p));
    }

    /// <summary>
    /// A daemon of 25600 pages has used 1000 s of CPU and run for 8 hours (2880000 ticks). CPU:
    /// 100000 >> 10 = 97 units, int_sqrt(97) = 9. Run time: 2880000 >> 17 = 21 units,
    /// int_sqrt(21) = 4, int_sqrt(4) = 2. Badness 25600 / 9 / 2 = 2844 / 2 = 1422: long-lived,
    /// busy processes are protected by an order of magnitude.
    /// </summary>
    [Fact, Chapter(1)]
    public void Badness_OfABusyLongRunningDaemon_IsMuchLower()
    {
        var k = Machine(now: 2880000);
        var p = Process(k, "daemon", pages: 25600, cpuTicks: 100000, start: 0);
        Assert.Equal(1422, k.OomKill.Badness(p));
    }

    /// <summary>
    /// Four fresh 25600-page processes: a user's at nice 10, one exec'd as root, a root daemon
    /// that dropped CAP_SYS_RAWIO after exec, and a plain user one. Nice doubles: 51200. Exec as
    /// root gives the whole CAP_INIT_EFF_SET, CAP_SYS_RAWIO included, so an ordinary root process
    /// is quartered twice: 1600. Without CAP_SYS_RAWIO only once: 6400. The plain one stays 25600.
    /// </summary>
    [Fact, Chapter(1)]
    public void Badness_NiceDoubles_RootAndRawIoQuarter()
    {
        var k = Machine(now: 0);
        Assert.Equal(51200, k.OomKill.Badness(Process(k, "batch", 25600, 0, 0, nice: 10)));
        Assert.Equal(1600, k.OomKill.Badness(Process(k, "rootd", 25600, 0, 0, uid: 0)));
        Assert.Equal(6400, k.OomKill.Badness(Process(k, "named", 25600, 0, 0, uid: 0, dropRawio: true)));
        Assert.Equal(25600, k.OomKill.Badness(Process(k, "app", 25600, 0, 0)));
    }

    /// <summary>
    /// Eight hours after boot: init (root, 300 pages, 5 s CPU), X (root, 12000 pages, 600 s CPU),
    /// a database (60000 pages, 3600 s CPU, up since boot) and a browser started an hour ago
    /// (30000 pages, 60 s CPU). Both root processes hold CAP_SYS_RAWIO. Scores: init
    /// 300/1/2/4/4 = 9; X 12000/7/2/4/4 = 53; database
    /// 60000/16/2 = 1875 (cpu 351 units, int_sqrt 16); browser 30000/2/1 = 15000. The browser
    /// dies, though the database is twice its size.
    /// </summary>
    [Fact, Chapter(1)]
    public void SelectBadProcess_PicksTheHighestScore_NotTheLargestProcess()
    {
        var k = Machine(now: 2880000);
        var init = Process(k, "init", 300, 500, 0, uid: 0);
        var x = Process(k, "X", 12000, 60000, 0, uid: 0);
        var db = Process(k, "postmaster", 60000, 360000, 0, uid: 26);
        var browser = Process(k, "mozilla", 30000, 6000, 2880000 - 360000);
        Assert.Equal([9, 53, 1875, 15000], new[] { init, x, db, browser }.Select(k.OomKill.Badness));
        Assert.Same(browser, k.OomKill.SelectBadProcess());
    }

    /// <summary>
    /// Why is the idle task never chosen, and what happens when only kernel threads are left?
    /// select_bad_process skips pid 0 outright, and a task without an mm (a kernel thread) scores
    /// 0, which never beats the starting maximum of 0. With nothing to choose, oom_kill panics.
    /// </summary>
    [Fact, Chapter(1)]
    public void OnlyKernelThreadsLeft_NothingIsChosen_AndOomKillPanics()
    {
        var k = Machine(now: 1000);
        int pid = k.Fork.DoFork(Fork.CloneVm, "kswapd");     // a kernel thread: init_task has no mm
        Assert.Null(k.Sched.FindTaskByPid(pid)!.Mm);
        Assert.Null(k.OomKill.SelectBadProcess());
        // Drive out_of_memory past its rate limit: every 10 ticks from 1000 on, the 20th call kills.
        void RecklessReclaim()
        {
            for (uint t = 1000; t < 100000; t += 10)
            {
                k.Jiffies = t;
                k.OomKill.OutOfMemory();
            }
        }
        var e = Assert.Throws<KernelPanicException>(RecklessReclaim);
        Assert.Equal("oom_kill", e.Where);
        Assert.Equal(1190u, (uint)k.Jiffies);
    }

    /// <summary>
    /// Reclaim fails every 100 ms from t = 1000 jiffies. The first call comes more than 5 s after
    /// the (never) previous one and only starts the clock. Calls in the first second do not count at
    /// all; from 1100 on each adds one, so the tenth counted failure, at 1190 (the 20th call),
    /// kills. The count then restarts; it reaches ten again at 1380 but the last kill was only 1.9 s
    /// ago, so calls keep counting until 1690, 5 s after the first kill (the 70th call).
    /// </summary>
    [Fact, Chapter(1)]
    public void RateLimit_FirstKillOnThe20thCall_NextOnlyFiveSecondsLater()
    {
        var k = Machine(now: 0);
        var hog = Process(k, "hog", 50000, 0, 0);
        var kills = new List<(int Call, uint Time)>();
        int call = 0;
        for (uint t = 1000; t <= 1700; t += 10)
        {
            k.Jiffies = t;
            call++;
            int before = Kills(k).Count;
            k.OomKill.OutOfMemory();
            if (Kills(k).Count > before)
                kills.Add((call, t));
            // The victim has not run yet, so it is chosen again.
        }
        Assert.Equal([(20, 1190u), (70, 1690u)], kills);
        Assert.Equal("Out of Memory: Killed process 1 (hog).", Kills(k)[0]);
    }

    /// <summary>
    /// A failure arrives every 4 s: is that out of memory? Each call is less than 5 s after the
    /// previous one, so the run is not reset; from the second call on more than a second has passed
    /// since the first, so each counts; the tenth counted failure is the 11th call, at
    /// 1000 + 10 × 400 = 5000 jiffies, and the last kill (never, at 0) is long past: it kills then.
    /// A failure every 6 s, by contrast, always resets and never kills.
    /// </summary>
    [Fact, Chapter(1)]
    public void RateLimit_SlowFailures_CountOnlyIfLessThanFiveSecondsApart()
    {
        var k = Machine(now: 0);
        Process(k, "hog", 50000, 0, 0);
        int firstKill = 0;
        for (int call = 1; call <= 12 && firstKill == 0; call++)
        {
            k.Jiffies = (ulong)(1000 + (call - 1) * 4 * Hz);
            k.OomKill.OutOfMemory();
            if (Kills(k).Count > 0)
                firstKill = call;
        }
        Assert.Equal(11, firstKill);

        var slow = Machine(now: 0);
        Process(slow, "hog", 50000, 0, 0);
        for (int call = 1; call <= 50; call++)
        {
            slow.Jiffies = (ulong)(1000 + (call - 1) * 6 * Hz);
            slow.OomKill.OutOfMemory();
        }
        Assert.Empty(Kills(slow));
    }

    /// <summary>
    /// A two-threaded process (two tasks sharing one mm) is chosen. What happens to each thread?
    /// oom_kill walks the whole task list and condemns every task with the victim's mm: both get
    /// PF_MEMALLOC|PF_MEMDIE, a 500-tick counter (5 × HZ) and SIGKILL. When they next run, both
    /// exit and the address space loses its last user.
    /// </summary>
    [Fact, Chapter(1)]
    public void OomKill_KillsEveryTaskSharingTheVictimsMm()
    {
        var k = Machine(now: 0);
        var init = Process(k, "init", 300, 0, 0, uid: 0);
        var app = Process(k, "app", 40000, 0, 0);
        int tid = k.Driver.RunAs(app, () => k.Fork.DoFork(Fork.CloneVm | Fork.CloneSighand | Fork.CloneThread));
        var thread = k.Sched.FindTaskByPid(tid)!;
        var mm = app.Mm!;

        for (uint t = 1000; Kills(k).Count == 0; t += 10)
        {
            k.Jiffies = t;
            k.OomKill.OutOfMemory();
        }

        foreach (var victim in new[] { app, thread })
        {
            Assert.Equal(500, victim.Counter);
            Assert.Equal(TaskStruct.PfMemalloc | TaskStruct.PfMemdie, victim.Flags & (TaskStruct.PfMemalloc | TaskStruct.PfMemdie));
            Assert.Equal(Signal.Sigmask(Signal.Sigkill), victim.Pending.Signal);
        }
        Assert.Equal(0u, init.Flags & TaskStruct.PfMemdie);

        // Let the scheduler run them: the 500-tick counters make them the first choices.
        for (int i = 0; i < 4 && (app.State != Sched.TaskZombie || thread.State != Sched.TaskZombie); i++)
            k.Driver.Tick();
        Assert.Equal(Sched.TaskZombie, app.State);
        Assert.Equal(Sched.TaskZombie, thread.State);
        Assert.Equal(0, mm.MmUsers);
    }

    /// <summary>
    /// Init is the largest process on a small machine (2000 pages, everything else is tiny). Is it
    /// protected? In 2.4.20 select_bad_process skips only pid 0, so init is chosen (2000 / 4 / 4 =
    /// 125: root, and it keeps init_task's CAP_SYS_RAWIO). Holding CAP_SYS_RAWIO, it is sent
    /// SIGTERM, not SIGKILL; and do_signal drops any signal init leaves at its default action: it
    /// survives, the memory is not freed, and five seconds later the OOM killer chooses init again.
    /// </summary>
    [Fact, Chapter(1)]
    public void Init_CanBeChosen_ButShrugsOffTheSignal()
    {
        var k = Machine(now: 0);
        var init = Process(k, "init", 2000, 0, 0, uid: 0);
        Process(k, "getty", 300, 0, 0, uid: 0);
        Assert.Equal(1, init.Pid);
        Assert.Equal(125, k.OomKill.Badness(init));
        Assert.Same(init, k.OomKill.SelectBadProcess());

        for (uint t = 1000; Kills(k).Count == 0; t += 10)
        {
            k.Jiffies = t;
            k.OomKill.OutOfMemory();
        }
        Assert.Equal(Signal.Sigmask(Signal.Sigterm), init.Pending.Signal);
        k.Driver.Tick();
        Assert.Same(init, k.Current);
        Assert.Equal(0ul, init.Pending.Signal);
        Assert.Equal(Sched.TaskRunning, init.State);
        Assert.NotNull(init.Mm);
        Assert.Equal("Out of Memory: Killed process 1 (init).", Kills(k)[0]);
    }

    /// <summary>
    /// Is an older process always better protected by its run time? The divisor is
    /// int_sqrt(int_sqrt(run_time)), run time in units of 2^17 ticks (about 21.8 minutes). It is 1
    /// up to 19 units, 2 from 20, already 3 at 28 to 31 units (about 10 hours), back to 2 from 32,
    /// and first 4 only at 416 units (about 6.3 days). So an idle 25600-page process scores 8533
    /// at ten and a half hours of age and 12800 an hour later: the older one is the likelier victim.
    /// </summary>
    [Fact, Chapter(1)]
    public void RunTimeDivisor_IsNotMonotonic()
    {
        static uint Divisor(uint units) => OomKill.IntSqrt(OomKill.IntSqrt(units));
        Assert.Equal(1u, Divisor(19));
        Assert.Equal(2u, Divisor(20));
        Assert.Equal(Enumerable.Repeat(3u, 4), Enumerable.Range(28, 4).Select(u => Divisor((uint)u)));
        Assert.Equal(2u, Divisor(32));
        Assert.Equal(416u, Enumerable.Range(0, 1000).Select(u => (uint)u).First(u => Divisor(u) == 4));

        const uint Unit = 1u << 17;
        var k = Machine(now: 32 * Unit);
        var younger = Process(k, "younger", 25600, 0, start: 32 * Unit - 29 * Unit);
        var older = Process(k, "older", 25600, 0, start: 0);
        Assert.Equal(8533, k.OomKill.Badness(younger));
        Assert.Equal(12800, k.OomKill.Badness(older));
        Assert.Same(older, k.OomKill.SelectBadProcess());
    }

    /// <summary>
    /// With free swap left, is the system out of memory? No: out_of_memory returns at once, and
    /// does not even record the call, however often it comes.
    /// </summary>
    [Fact, Chapter(1)]
    public void FreeSwap_MeansNotOutOfMemory()
    {
        var k = Machine(now: 0);
        Process(k, "hog", 50000, 0, 0);
        k.PageAlloc.NrSwapPages = 1;
        for (uint t = 1000; t < 3000; t += 10)
        {
            k.Jiffies = t;
            k.OomKill.OutOfMemory();
        }
        Assert.Empty(Kills(k));
        Assert.Equal(0u, k.OomKill.Last);
    }

    /// <summary>
    /// The first kill happens at L = 1190 jiffies. 2^32 ticks later (497 days at HZ = 100) the
    /// 32-bit jiffies read 1190 again. If reclaim then fails every 100 ms from 2^32 + 1000, as it
    /// did at boot, when is the first kill? The calls count exactly as before and the tenth counted
    /// failure comes at 2^32 + 1190; but `now - lastkill` is computed in 32 bits and is 0 there, as
    /// if a process had just been killed. The blind window now sits at L + 2^32, not at the wrap
    /// itself: the kill waits until 2^32 + 1690, five seconds after.
    /// </summary>
    [Fact, Chapter(1)]
    public void AfterAKill_TheBlindWindowSitsAtTheKillPlusTwoToThe32()
    {
        var k = Machine(now: 0);
        Process(k, "hog", 50000, 0, 0);
        var kills = new List<ulong>();
        void FailEvery100ms(ulong from, ulong to)
        {
            for (ulong t = from; t <= to; t += 10)
            {
                k.Jiffies = t;
                int before = Kills(k).Count;
                k.OomKill.OutOfMemory();
                if (Kills(k).Count > before)
                    kills.Add(t);
            }
        }
        FailEvery100ms(1000, 1200);
        Assert.Equal([1190ul], kills);

        const ulong Wrap = 1ul << 32;
        FailEvery100ms(Wrap + 1000, Wrap + 1700);
        Assert.Equal([1190ul, Wrap + 1690], kills);
    }
}
