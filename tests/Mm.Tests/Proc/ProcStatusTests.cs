using LinuxVm.Arch.X86;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Proc;

namespace LinuxVm.Mm.Tests.Proc;

public class ProcStatusTests
{
    [Fact]
    public void Status_HasEveryLineOf24_InOrder()
    {
        Kernel k = Machine.Boot().Kernel;
        TaskStruct init = k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct p = k.Driver.Spawn("cat", init, new ProgramImage("cat"));
        p.Uid = 500; p.Euid = 500; p.Suid = 500; p.Fsuid = 500;
        p.Gid = 100; p.Egid = 100; p.Sgid = 100; p.Fsgid = 100;
        p.Groups = [100, 10];
        p.Sig!.Action[Signal.Sighup - 1] = Signal.SigIgn;     // bit 0
        p.Sig.Action[Signal.Sigterm - 1] = 0x08048100;       // caught: bit 14
        p.Blocked = Signal.Sigmask(Signal.Sigchld);          // bit 16
        k.Signal.SendSig(Signal.Sigterm, p, 1);                // caught, so it stays pending
        string[] lines = k.ProcPid.Status(p.Pid).TrimEnd('\n').Split('\n');

        string[] tags = lines.Select(l => l[..l.IndexOf(':')]).ToArray();
        Assert.Equal(
            ["Name", "State", "Tgid", "Pid", "PPid", "TracerPid", "Uid", "Gid", "FDSize", "Groups",
             "VmSize", "VmLck", "VmRSS", "VmData", "VmStk", "VmExe", "VmLib",
             "SigPnd", "SigBlk", "SigIgn", "SigCgt", "CapInh", "CapPrm", "CapEff"], tags);
        Assert.Equal("Name:\tcat", lines[0]);
        Assert.Equal("State:\tR (running)", lines[1]);
        Assert.Equal($"Pid:\t{p.Pid}", lines[3]);
        Assert.Equal($"PPid:\t{init.Pid}", lines[4]);
        Assert.Equal("Uid:\t500\t500\t500\t500", lines[6]);
        Assert.Equal("Gid:\t100\t100\t100\t100", lines[7]);
        Assert.Equal("Groups:\t100 10 ", lines[9]);
        Assert.Equal("SigPnd:\t0000000000004000", lines[17]);
        Assert.Equal("SigBlk:\t0000000000010000", lines[18]);
        Assert.Equal("SigIgn:\t0000000000000001", lines[19]);
        Assert.Equal("SigCgt:\t0000000000004000", lines[20]);
    }

    [Theory]
    [InlineData(0UL, "0000000000000000")]
    [InlineData(1UL, "0000000000000001")]                   // signal 1 only
    [InlineData(1UL << 8, "0000000000000100")]              // SIGKILL (9)
    [InlineData(1UL << 63, "8000000000000000")]             // signal 64
    [InlineData(0xfUL << 32, "0000000f00000000")]           // signals 33-36
    public void RenderSigset_IsTheMaskInHex(ulong set, string expected) =>
        Assert.Equal(expected, ProcPid.RenderSigsetT(set));

    [Theory]
    [InlineData(Sched.TaskRunning, "R (running)")]
    [InlineData(Sched.TaskInterruptible, "S (sleeping)")]
    [InlineData(Sched.TaskUninterruptible, "D (disk sleep)")]
    [InlineData(Sched.TaskZombie, "Z (zombie)")]
    [InlineData(Sched.TaskStopped, "T (stopped)")]
    public void GetTaskState_NamesEachState(int state, string expected) =>
        Assert.Equal(expected, ProcPid.GetTaskState(new TaskStruct { State = state }));

    [Fact]
    public void TaskName_EscapesBackslashAndNewline()
    {
        var b = new System.Text.StringBuilder();
        ProcPid.TaskName(new TaskStruct { Comm = "a\\b\nc" }, b);
        Assert.Equal("Name:\ta\\\\b\\nc\n", b.ToString());
    }
}
