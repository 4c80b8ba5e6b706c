using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Simulation;

namespace LinuxVm.Mm.Tests.KernelModel;

public class TaskTests
{
    // The smallest PC, booted: tasks run on a kernel that start_kernel has brought up.
    internal static Kernel NewKernel(int cpus = 1) =>
        Machine.Boot(new MachineConfig { RamBytes = MachineConfig.MinRam, Cpus = cpus }).Kernel;

    [Fact]
    public void FreshKernel_RunsSwapperAsPidZero_WithAnEmptyTaskList()
    {
        var k = NewKernel();
        Assert.Equal(0, k.Current.Pid);
        Assert.Equal("swapper", k.Current.Comm);
        Assert.Same(k.InitMm, k.Current.ActiveMm);
        Assert.Null(k.Current.Mm);
        Assert.Empty(k.Sched.ForEachTask());
    }

    [Fact]
    public void Spawn_GivesPidsInOrder_AndAFreshAddressSpace()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("init");
        var b = k.Driver.Spawn("bash", a);
        Assert.Equal(1, a.Pid);
        Assert.Equal(2, b.Pid);
        Assert.Equal([1, 2], k.Sched.ForEachTask().Select(t => t.Pid));
        Assert.NotNull(a.Mm);
        Assert.NotSame(a.Mm, b.Mm);
        Assert.Equal(1, b.Mm!.MmUsers);
        Assert.Same(a, b.PPptr);
        Assert.Equal(2, k.Fork.MmlistNr);
        // The child made the last system call (its exec): it is current, in user mode.
        Assert.Same(b, k.Current);
        Assert.Same(b.Mm, k.Current.ActiveMm);
        Assert.Equal(1, b.Mm.MmCount);
        // When it exits, init_task takes over, borrows its mm (lazy TLB) and pins it with mm_count,
        // since the parent a is not runnable... a is, so the scheduler picks a instead.
        k.Driver.RunAs(b, () => k.Exit.DoExit(0));
        Assert.Same(a, k.Current);
    }

    [Fact]
    public void IdleTask_BorrowsTheLastMm_WhenNothingElseCanRun()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("app");
        var mm = a.Mm!;
        // a sleeps in the kernel with nothing to wake it but a timer: the CPU goes idle, and the
        // idle task, having no mm of its own, keeps a's loaded (lazy TLB), pinned by mm_count.
        TaskRun<long> run = k.Driver.Start(a, () =>
        {
            a.State = Sched.TaskUninterruptible;
            return k.Sched.ScheduleTimeout(5);
        });
        Assert.False(run.IsDone);
        Assert.Same(k.Sched.InitTask, k.Current);
        Assert.Same(mm, k.Current.ActiveMm);
        Assert.Equal(2, mm.MmCount);
        Assert.Equal(0L, k.Driver.Wait(run));
        Assert.Same(a, k.Current);
        Assert.Equal(5UL, k.Jiffies);
    }

    [Fact]
    public void CloneVm_SharesTheAddressSpace()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("app");
        int pid = 0;
        k.Driver.RunAs(a, () => pid = k.Fork.DoFork(Fork.CloneVm | Fork.CloneThread | Fork.CloneSighand | (uint)Signal.Sigchld));
        var thread = k.Sched.FindTaskByPid(pid)!;
        Assert.Same(a.Mm, thread.Mm);
        Assert.Equal(2, a.Mm!.MmUsers);
        Assert.Equal(a.Pid, thread.Tgid);
    }

    [Fact]
    public void Fork_SplitsTheTimeSlice()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("app");
        a.Counter = 7;
        int pid = 0;
        k.Driver.RunAs(a, () => pid = k.Fork.DoFork((uint)Signal.Sigchld));
        Assert.Equal(4, k.Sched.FindTaskByPid(pid)!.Counter);
        Assert.Equal(3, a.Counter);
    }

    [Fact]
    public void Sigkill_IsActedOnAtReturnToUser_AndTheTaskExits()
    {
        var k = NewKernel();
        var init = k.Driver.Spawn("init");
        var a = k.Driver.Spawn("victim", init);
        var mm = a.Mm!;
        // init sleeps in the kernel (as in wait4), so the victim is the only runnable task.
        TaskRun<bool> sleeping = k.Driver.Start(init, () =>
        {
            init.State = Sched.TaskInterruptible;
            k.Sched.Schedule();
        });
        k.Signal.ForceSig(Signal.Sigkill, a);
        Assert.Equal(1, a.Sigpending);
        Assert.Same(a, k.Current);
        k.Driver.ReturnFromInterrupt();
        Assert.Equal(Sched.TaskZombie, a.State);
        Assert.Null(a.Mm);
        Assert.Equal(Signal.Sigkill, a.ExitCode);
        Assert.True((a.Flags & TaskStruct.PfSignaled) != 0);
        Assert.Equal(0, mm.MmUsers);
        // SIGCHLD at its default action is ignored, so init sleeps on and the idle task takes
        // over, borrowing the dead task's mm until it switches to another.
        Assert.False(sleeping.IsDone);
        Assert.Equal(1, mm.MmCount);
        Assert.Same(mm, k.Sched.InitTask.ActiveMm);
        Assert.Same(k.Sched.InitTask, k.Current);
        // A signal wakes init; back in user mode it reaps the child.
        k.Signal.SendSig(Signal.Sighup, init, 1);
        k.Driver.Wait(sleeping);
        Assert.Equal(a.Pid, k.Driver.RunAs(init, () => k.Exit.SysWait4(-1)));
        Assert.Equal([1], k.Sched.ForEachTask().Select(t => t.Pid));
        k.Dispose();
    }

    [Fact]
    public void Init_IgnoresSigkill()
    {
        var k = NewKernel();
        var init = k.Driver.Spawn("init");
        k.Signal.ForceSig(Signal.Sigkill, init);
        k.Driver.ReturnFromInterrupt();
        Assert.Equal(Sched.TaskRunning, init.State);
        Assert.NotNull(init.Mm);
        Assert.Equal(0, init.Sigpending);
    }

    [Fact]
    public void IgnoredSignal_IsDropped_ButForceSigResetsTheHandler()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("app");
        a.Sig!.Action[Signal.Sigsegv - 1] = Signal.SigIgn;
        k.Signal.SendSig(Signal.Sigsegv, a, 1);
        Assert.Equal(0UL, a.Pending.Signal);
        k.Signal.ForceSig(Signal.Sigsegv, a);
        Assert.Equal(Signal.SigDfl, a.Sig.Action[Signal.Sigsegv - 1]);
        Assert.Equal(Signal.Sigmask(Signal.Sigsegv), a.Pending.Signal);
    }

    [Fact]
    public void CaughtSignal_IsRecordedNotFatal()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("app");
        a.Sig!.Action[Signal.Sigsegv - 1] = 0x08048000;
        k.Signal.ForceSig(Signal.Sigsegv, a);
        k.Driver.ReturnFromInterrupt();
        Assert.Equal(Sched.TaskRunning, a.State);
        Assert.Equal([Signal.Sigsegv], a.Sig.Handled);
    }

    [Fact]
    public void Ticks_ChargeTimeAndEndTheSlice()
    {
        var k = NewKernel();
        var a = k.Driver.Spawn("app");
        Assert.Same(a, k.Current);
        int slice = a.Counter;
        for (int i = 0; i < slice; i++)
            k.Driver.Tick();
        Assert.Equal((ulong)slice, k.Jiffies);
        Assert.Equal(slice, a.Times.TmsUtime);
        // The slice ran out: with a the only runnable task, counters were recharged
        // (0 >> 1) + NICE_TO_TICKS(0) = 6 and a was picked again.
        Assert.Same(a, k.Current);
        Assert.Equal(6, a.Counter);
    }

    [Fact]
    public void KillingInit_Panics()
    {
        var k = NewKernel();
        var init = k.Driver.Spawn("init");
        var e = Assert.Throws<KernelPanicException>(() => k.Driver.RunAs(init, () => k.Exit.DoExit(9)));
        Assert.Equal("do_exit", e.Where);
    }
}
