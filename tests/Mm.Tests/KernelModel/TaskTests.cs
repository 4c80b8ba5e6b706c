using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Mm.Tests.KernelModel;

public class TaskTests
{
    internal static Kernel NewKernel(int cpus = 1) => new(new PhysicalMemory(1024), new I386(), cpus);

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
        var a = k.Spawn("init");
        var b = k.Spawn("bash", a);
        Assert.Equal(1, a.Pid);
        Assert.Equal(2, b.Pid);
        Assert.Equal([1, 2], k.Sched.ForEachTask().Select(t => t.Pid));
        Assert.NotNull(a.Mm);
        Assert.NotSame(a.Mm, b.Mm);
        Assert.Equal(1, b.Mm!.MmUsers);
        Assert.Same(a, b.PPptr);
        Assert.Equal(2, k.Fork.MmlistNr);
        // init_task runs again and, having no mm of its own, borrows the last one it switched
        // from (lazy TLB), pinning it with mm_count.
        Assert.Same(k.Sched.InitTask, k.Current);
        Assert.Same(b.Mm, k.Current.ActiveMm);
        Assert.Equal(2, b.Mm.MmCount);
    }

    [Fact]
    public void CloneVm_SharesTheAddressSpace()
    {
        var k = NewKernel();
        var a = k.Spawn("app");
        int pid = 0;
        k.Sched.RunAs(a, () => pid = k.Fork.DoFork(Fork.CloneVm | Fork.CloneThread | Fork.CloneSighand | (uint)Signal.Sigchld));
        var thread = k.Sched.FindTaskByPid(pid)!;
        Assert.Same(a.Mm, thread.Mm);
        Assert.Equal(2, a.Mm!.MmUsers);
        Assert.Equal(a.Pid, thread.Tgid);
    }

    [Fact]
    public void Fork_SplitsTheTimeSlice()
    {
        var k = NewKernel();
        var a = k.Spawn("app");
        a.Counter = 7;
        int pid = 0;
        k.Sched.RunAs(a, () => pid = k.Fork.DoFork((uint)Signal.Sigchld));
        Assert.Equal(4, k.Sched.FindTaskByPid(pid)!.Counter);
        Assert.Equal(3, a.Counter);
    }

    [Fact]
    public void Sigkill_IsActedOnAtReturnToUser_AndTheTaskExits()
    {
        var k = NewKernel();
        var init = k.Spawn("init");
        var a = k.Spawn("victim", init);
        var mm = a.Mm!;
        init.State = Sched.TaskInterruptible;   // init sleeps in wait4
        k.Sched.RunAs(init, k.Sched.Schedule);
        k.Signal.ForceSig(Signal.Sigkill, a);
        Assert.Equal(1, a.Sigpending);
        k.Sched.Schedule();                // a is the only runnable task
        Assert.Same(a, k.Current);
        k.Sched.ReturnFromInterrupt();
        Assert.Equal(Sched.TaskZombie, a.State);
        Assert.Null(a.Mm);
        Assert.Equal(Signal.Sigkill, a.ExitCode);
        Assert.True((a.Flags & TaskStruct.PfSignaled) != 0);
        Assert.Equal(0, mm.MmUsers);
        // The idle task that took over borrows the dead task's mm until it switches to another.
        Assert.Equal(1, mm.MmCount);
        Assert.Same(mm, k.Sched.InitTask.ActiveMm);
        Assert.Same(k.Sched.InitTask, k.Current);
        Assert.Equal(a.Pid, k.Sched.RunAsResult(init, () => k.Exit.SysWait4(-1)));
        Assert.Equal([1], k.Sched.ForEachTask().Select(t => t.Pid));
    }

    [Fact]
    public void Init_IgnoresSigkill()
    {
        var k = NewKernel();
        var init = k.Spawn("init");
        k.Signal.ForceSig(Signal.Sigkill, init);
        k.Sched.Schedule();
        k.Sched.ReturnFromInterrupt();
        Assert.Equal(Sched.TaskRunning, init.State);
        Assert.NotNull(init.Mm);
        Assert.Equal(0, init.Sigpending);
    }

    [Fact]
    public void IgnoredSignal_IsDropped_ButForceSigResetsTheHandler()
    {
        var k = NewKernel();
        var a = k.Spawn("app");
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
        var a = k.Spawn("app");
        a.Sig!.Action[Signal.Sigsegv - 1] = 0x08048000;
        k.Signal.ForceSig(Signal.Sigsegv, a);
        k.Sched.Schedule();
        k.Sched.ReturnFromInterrupt();
        Assert.Equal(Sched.TaskRunning, a.State);
        Assert.Equal([Signal.Sigsegv], a.Sig.Handled);
    }

    [Fact]
    public void Ticks_ChargeTimeAndEndTheSlice()
    {
        var k = NewKernel();
        var a = k.Spawn("app");
        k.Sched.Schedule();
        Assert.Same(a, k.Current);
        int slice = a.Counter;
        for (int i = 0; i < slice; i++)
            k.Sched.Step();
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
        var init = k.Spawn("init");
        var e = Assert.Throws<KernelPanicException>(() => k.Sched.RunAs(init, () => k.Exit.DoExit(9)));
        Assert.Equal("do_exit", e.Where);
    }
}
