using LinuxVm.Arch.X86;
using LinuxVm.Mm.KernelModel;

namespace LinuxVm.Mm.Tests.KernelModel;

// prepare_binprm and compute_creds (fs/exec.c): what capabilities a program gets at exec.
public class ExecCredsTests
{
    private static readonly uint Rawio = Capability.CapToMask(Capability.CapSysRawio);

    [Fact]
    public void ExecAsRoot_GivesTheInitEffectiveSet_RawIoIncluded()
    {
        Kernel k = Machine.Boot().Kernel;
        TaskStruct init = k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct p = k.Driver.Spawn("sshd", init, new ProgramImage("sshd"));
        // Permitted is the file's full set within cap_bset, not init_task's CAP_FULL_SET.
        Assert.Equal(Capability.CapInitEffSet, p.CapEffective);
        Assert.Equal(Capability.CapInitEffSet, p.CapPermitted);
        Assert.NotEqual(0u, p.CapEffective & Rawio);
        Assert.Equal(0u, p.CapEffective & Capability.CapToMask(Capability.CapSetpcap));
    }

    [Fact]
    public void ExecAsRoot_RestoresCapabilitiesTheTaskHadDropped()
    {
        Kernel k = Machine.Boot().Kernel;
        TaskStruct init = k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct sh = k.Driver.Spawn("sh", init);
        sh.CapEffective &= ~Rawio;
        sh.CapPermitted &= ~Rawio;
        k.Driver.RunAs(sh, () => Assert.Equal(0, k.Exec.ExecProgram(new ProgramImage("X"))));
        Assert.Equal(Capability.CapInitEffSet, sh.CapEffective);
    }

    [Fact]
    public void ExecAsAnOrdinaryUser_GivesNoCapabilities()
    {
        Kernel k = Machine.Boot().Kernel;
        TaskStruct init = k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct sh = k.Driver.Spawn("sh", init);
        sh.Uid = sh.Euid = sh.Suid = sh.Fsuid = 1000;
        k.Driver.RunAs(sh, () => Assert.Equal(0, k.Exec.ExecProgram(new ProgramImage("cat"))));
        Assert.Equal(0u, sh.CapEffective);
        Assert.Equal(0u, sh.CapPermitted);
        Assert.Equal(1000u, sh.Euid);
    }

    [Fact]
    public void ExecWithOnlyTheRealUidRoot_PermitsEverythingButMakesNothingEffective()
    {
        Kernel k = Machine.Boot().Kernel;
        TaskStruct init = k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct sh = k.Driver.Spawn("sh", init);
        sh.Euid = sh.Fsuid = 1000;
        k.Driver.RunAs(sh, () => Assert.Equal(0, k.Exec.ExecProgram(new ProgramImage("su"))));
        Assert.Equal(Capability.CapInitEffSet, sh.CapPermitted);
        Assert.Equal(0u, sh.CapEffective);
    }

    [Fact]
    public void TheBoundingSet_LimitsWhatRootGets()
    {
        Kernel k = Machine.Boot().Kernel;
        k.Exec.CapBset &= ~Rawio;
        TaskStruct init = k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct p = k.Driver.Spawn("X", init, new ProgramImage("X"));
        Assert.Equal(0u, p.CapEffective & Rawio);
    }

    [Fact]
    public void Init_KeepsItsCapabilitiesAcrossExec()
    {
        Kernel k = Machine.Boot().Kernel;
        TaskStruct init = k.Driver.Spawn("init");
        Assert.Equal(1, init.Pid);
        init.CapEffective = Capability.CapToMask(Capability.CapKill);
        k.Driver.RunAs(init, () => Assert.Equal(0, k.Exec.ExecProgram(new ProgramImage("init"))));
        Assert.Equal(Capability.CapToMask(Capability.CapKill), init.CapEffective);
    }
}
