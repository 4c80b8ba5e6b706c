using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Simulation;
using LinuxVm.Mm.Tests.Arch.X86;
using KSemaphore = LinuxVm.Mm.KernelModel.Semaphore;

namespace LinuxVm.Mm.Tests.Simulation;

/// <summary>Tasks that sleep in the middle of kernel code and resume on the next line, as themselves.</summary>
public class SleepTests
{
    // What a task saw when it resumed after sleeping.
    private sealed record Seen(TaskStruct Current, MmStruct? ActiveMm, ulong Cr3);

    private static Seen Look(ProcessPc pc) =>
        new(pc.Kernel.Current, pc.Kernel.Current.ActiveMm, pc.Arch.CurrentCpuData.Cr3);

    private static ulong Cr3Of(TaskStruct t) => t.Mm!.Pgd - 0xC0000000UL;

    [Fact]
    public void DownRead_OnAContendedMmapSem_SleepsUntilTheWriterLetsGo_AndResumesAsItself()
    {
        using var m = ProcessPc.Boot();
        var pc = m;
        Kernel k = pc.Kernel;
        TaskStruct a = pc.Spawn("writer");
        TaskStruct b = pc.Spawn("reader");
        RwSemaphore sem = a.Mm!.MmapSem;

        // a takes mmap_sem for writing and sleeps ten ticks holding it.
        TaskRun<Seen> writer = k.Driver.Start(a, () =>
        {
            sem.DownWrite();
            a.State = Sched.TaskUninterruptible;
            k.Sched.ScheduleTimeout(10);
            Seen s = Look(pc);
            sem.UpWrite();
            return s;
        });
        Assert.False(writer.IsDone);
        Assert.Equal(unchecked((int)0xffff0001), sem.Count);

        // b's down_read must wait for a's up_write, then go on as b.
        Seen seen = k.Driver.RunAs(b, () =>
        {
            sem.DownRead();
            Seen s = Look(pc);
            sem.UpRead();
            return s;
        });

        Assert.True(writer.IsCompleted);
        Assert.Same(a, writer.Result.Current);
        Assert.Equal(Cr3Of(a), writer.Result.Cr3);
        Assert.Same(b, seen.Current);
        Assert.Same(b.Mm, seen.ActiveMm);
        Assert.Equal(Cr3Of(b), seen.Cr3);
        Assert.True(k.Jiffies >= 10);
        Assert.Equal(0, sem.Count);
        Assert.True(sem.WaitList.IsEmpty);
    }

    [Fact]
    public void LockPage_HeldByAnother_SleepsUntilUnlockPage_AndResumesAsItself()
    {
        using var pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        TaskStruct a = pc.Spawn("holder");
        TaskStruct b = pc.Spawn("locker");
        Page page = k.PageAlloc.AllocPage(Gfp.Kernel)!;

        TaskRun<bool> holder = k.Driver.Start(a, () =>
        {
            k.Filemap.LockPage(page);
            a.State = Sched.TaskUninterruptible;
            k.Sched.ScheduleTimeout(3);
            k.Filemap.UnlockPage(page);
        });
        Assert.True(PageFlags.PageLocked(page));
        Assert.True(k.Filemap.PageWaitqueue(page).TaskList.IsEmpty);

        Seen seen = k.Driver.RunAs(b, () =>
        {
            k.Filemap.LockPage(page);
            Seen s = Look(pc);
            k.Filemap.UnlockPage(page);
            return s;
        });

        Assert.True(holder.IsCompleted);
        Assert.Same(b, seen.Current);
        Assert.Equal(Cr3Of(b), seen.Cr3);
        Assert.False(PageFlags.PageLocked(page));
        Assert.False(k.Filemap.PageWaitqueue(page).Active);
    }

    [Fact]
    public void WaitOnPage_WakesEveryWaiter_WhenThePageIsUnlocked()
    {
        using var pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        Page page = k.PageAlloc.AllocPage(Gfp.Kernel)!;
        Assert.False(LinuxVm.Mm.Memory.TryLockPage(page));
        var waits = new List<TaskRun<bool>>();
        foreach (string name in new[] { "w1", "w2", "w3" })
        {
            TaskStruct t = pc.Spawn(name);
            waits.Add(k.Driver.Start(t, () => k.Filemap.WaitOnPage(page)));
        }
        Assert.All(waits, w => Assert.False(w.IsDone));
        Assert.Equal(3, k.Filemap.PageWaitqueue(page).Waiters.Count());

        k.Driver.RunAs(pc.Init, () => k.Filemap.UnlockPage(page));
        foreach (TaskRun<bool> w in waits)
            k.Driver.Wait(w);
        Assert.All(waits, w => Assert.True(w.IsCompleted));
    }

    [Fact]
    public void Yield_InAllocPages_RunsTheOthers_ThenTheAllocatingTaskGoesOnAsItself()
    {
        // Issue 12, bug 2: yield in __alloc_pages' slow path used to leave another task current
        // for the rest of the system call.
        using var pc = ProcessPc.Boot(16);
        Kernel k = pc.Kernel;
        TaskStruct x = pc.Spawn("allocator");
        TaskStruct y = pc.Spawn("other");
        while (k.PageAlloc.AllocPage(Gfp.Atomic) is not null) { }
        uint switches = k.Sched.ContextSwtch;
        ulong start = k.Jiffies;

        (Page? Page, Seen Seen) r = k.Driver.RunAs(x, () => (k.PageAlloc.AllocPage(Gfp.Kernel), Look(pc)));

        Assert.Null(r.Page);   // nothing to reclaim: the port's stopping rule gives up after the yield
        Assert.Same(x, r.Seen.Current);
        Assert.Same(x.Mm, r.Seen.ActiveMm);
        Assert.Equal(Cr3Of(x), r.Seen.Cr3);
        Assert.True(k.Sched.ContextSwtch >= switches + 2, "the yield let another task run");
        Assert.True(k.Jiffies > start, "the other task ran a time slice");
        Assert.Same(x, k.Current);
        Assert.Equal(0u, x.Flags & (TaskStruct.PfMemalloc | TaskStruct.PfFreePages));
        Assert.Equal(Sched.TaskRunning, y.State);
    }

    [Fact]
    public void KernelThread_SleepsOnAWaitQueue_IsWokenRuns_AndExitsCleanly()
    {
        using var pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        var wq = new WaitQueueHead();
        var log = new List<string>();
        const uint flags = Fork.CloneFs | Fork.CloneFiles | Fork.CloneSighand | (uint)Signal.Sigchld;

        int pid = k.Driver.RunAs(pc.Init, () => k.Process.KernelThread(_ =>
        {
            k.Sched.Daemonize();
            k.Current.Comm = "kthreadd";
            log.Add($"started as {k.Current.Pid}, mm {(k.Current.Mm == null ? "none" : "some")}");
            k.Sched.InterruptibleSleepOn(wq);
            log.Add($"woken at {k.Jiffies} as {k.Current.Comm}");
            return 0;
        }, null, flags));
        Assert.True(pid > 0);
        TaskStruct t = k.Sched.FindTaskByPid(pid)!;

        k.Driver.RunUntil(() => t.State == Sched.TaskInterruptible, "the kernel thread to sleep");
        Assert.Equal([$"started as {pid}, mm none"], log);
        Assert.True(wq.Active);
        Assert.Equal(1, k.Stacks.LiveThreads);

        k.Driver.Tick();
        k.Driver.RunAs(pc.Init, () => k.Sched.WakeUpInterruptible(wq));
        k.Driver.RunUntil(() => t.State == Sched.TaskZombie, "the kernel thread to exit");
        Assert.Equal($"woken at {k.Jiffies} as kthreadd", log[1]);
        Assert.False(wq.Active);
        // kernel_thread's exit status is the low byte of its clone flags, shifted as sys_exit does.
        Assert.Equal((int)(flags & 0xff) << 8, t.ExitCode);
        Assert.Equal(0, k.Stacks.LiveThreads);
        Assert.Equal(pid, k.Driver.RunAs(pc.Init, () => k.Exit.SysWait4(pid)));
    }

    [Fact]
    public void ASleepNothingCanEndIsReportedAsADeadlock_WhereTheMachineIsDriven()
    {
        using var pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        TaskStruct a = pc.Spawn("stuck");
        var sem = new KSemaphore(k, "test_sem", 0);
        var e = Assert.Throws<DeadlockException>(() => { k.Driver.RunAs(a, sem.Down); });
        Assert.Contains("task " + a.Pid, e.Message);
    }

    [Fact]
    public void APanicOnATaskThread_IsRethrownWhereTheMachineIsDriven()
    {
        using var pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        TaskStruct a = pc.Spawn("a");
        var sem = new KSemaphore(k, "s", 0);
        TaskRun<bool> run = k.Driver.Start(a, () =>
        {
            sem.Down();
            throw new KernelPanicException("oops after the wake-up", "test");
        });
        Assert.False(run.IsDone);
        k.Driver.RunAs(pc.Init, sem.Up);
        var e = Assert.Throws<KernelPanicException>(() => k.Driver.Wait(run));
        Assert.Equal("test", e.Where);
    }

    [Fact]
    public void RunAs_OnATaskCurrentOnAnotherCpu_RunsItThere_AndExitLeavesNoCpuOnTheDeadTask()
    {
        // Issue 12, bug 1: a task current on CPU 0, made to exit from CPU 1, stayed current on CPU 0.
        using var pc = ProcessPc.Boot(16, cpus: 2);
        Kernel k = pc.Kernel;
        TaskStruct x = pc.Spawn("x");
        // The idle second CPU took the new child as soon as fork made it runnable.
        int home = k.Sched.CpuCurr(0) == x ? 0 : 1;
        Assert.Same(x, k.Sched.CpuCurr(home));
        int other = 1 - home;
        k.CurrentCpu = other;
        int cpuSeen = k.Driver.RunAs(x, () => k.CurrentCpu);
        Assert.Equal(home, cpuSeen);
        k.Driver.RunAs(x, () => k.Exit.DoExit(0));
        Assert.NotSame(x, k.Sched.CpuCurr(0));
        Assert.NotSame(x, k.Sched.CpuCurr(1));
        Assert.Equal(other, k.CurrentCpu);
        Assert.Equal(x.Pid, k.Driver.RunAs(pc.Init, () => k.Exit.SysWait4(x.Pid)));
        for (int cpu = 0; cpu < 2; cpu++)
        {
            TaskStruct cur = k.Sched.CpuCurr(cpu);
            Assert.NotNull(cur.ActiveMm);
            Assert.True(cur.ActiveMm!.MmCount > 0);
        }
        // Both CPUs go on working: a new process maps memory and writes it.
        TaskStruct y = pc.Spawn("y");
        pc.MapAnonymous(y, 0x40000000, 4096);
        Assert.True(pc.User.WriteU32(y, 0x40000000, 7));
        Assert.Equal(7u, pc.User.ReadU32(y, 0x40000000));
    }

    [Fact]
    public void RunAs_RefusesATaskAsleepInTheKernel_AndCallsFromKernelCode()
    {
        using var pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        TaskStruct a = pc.Spawn("a");
        var sem = new KSemaphore(k, "s", 0);
        k.Driver.Start(a, sem.Down);
        Assert.Throws<InvalidOperationException>(() => k.Driver.RunAs(a, () => { }));
        var inner = Assert.Throws<InvalidOperationException>(() =>
            k.Driver.RunAs(pc.Init, () => k.Driver.RunAs(pc.Spawn("nested"), () => { })));
        Assert.Contains("from outside", inner.Message);
    }

    [Fact]
    public void DisposingMachines_EndsEveryThreadTheirSleepingTasksHeld()
    {
        int before = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        var threads = new List<int>();
        for (int i = 0; i < 200; i++)
        {
            var k = LinuxVm.Arch.X86.Machine.Boot(new LinuxVm.Arch.X86.MachineConfig { RamBytes = LinuxVm.Arch.X86.MachineConfig.MinRam }).Kernel;
            TaskStruct t = k.Driver.Spawn("sleeper");
            var sem = new KSemaphore(k, "never", 0);
            k.Driver.Start(t, sem.Down);                                   // sleeps forever
            k.Driver.RunAs(k.Sched.InitTask, () => k.Process.KernelThread(_ =>
            {
                k.Sched.InterruptibleSleepOn(new WaitQueueHead());
                return 0;
            }, null, 0));
            k.Driver.RunUntil(() => k.Stacks.LiveThreads == 2 && k.Sched.ForEachTask().All(p => p.State != Sched.TaskRunning), "both to sleep");
            threads.Add(k.Stacks.ThreadsCreated);
            k.Dispose();
            Assert.Equal(0, k.Stacks.LiveThreads);
        }
        Assert.All(threads, n => Assert.True(n >= 2));
        int after = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        Assert.True(after <= before + 8, $"host threads: {before} before, {after} after 200 machines");
    }

    [Fact]
    public void InitOutOfMemory_WithNobodyElseToRun_IsADeadlock_NotAnEndlessRetry()
    {
        // Issue 13: do_page_fault's out-of-memory path yields and retries for init; with no other
        // task to run (and no kswapd yet) nothing can change, so the port reports it.
        using var pc = ProcessPc.Boot(16);
        Kernel k = pc.Kernel;
        pc.MapAnonymous(pc.Init, 0x40000000, 1 << 20);
        while (k.PageAlloc.AllocPage(Gfp.Atomic) is not null) { }
        var e = Assert.Throws<DeadlockException>(() => { pc.User.WriteU32(pc.Init, 0x40000000, 1); });
        Assert.Contains("init (pid 1) is out of memory", e.Message);
    }
}
