using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using Xunit.Abstractions;

namespace LinuxVm.Mm.Tests.Mmap;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Exec_LaysOutAnElfProcess()
    {
        Machine m = Machine.Boot();
        Kernel k = m.Kernel;
        k.Mmap.DebugMmRb = true;
        uint free0 = k.PageAlloc.NrFreePages();
        k.Driver.Spawn("init", image: new ProgramImage("init"));
        TaskStruct p = k.Driver.Spawn("cat", image: new ProgramImage("cat"));
        k.Driver.RunAs(p, () =>
        {
            uint a = k.Syscalls.Mmap(0, 0x3000, Mman.ProtRead | Mman.ProtWrite, Mman.MapPrivate | Mman.MapAnonymous);
            Assert.Equal(0x40000000u, a);
            Assert.Equal(0, k.Syscalls.Mprotect(a + 0x1000, 0x1000, Mman.ProtRead));
            uint brk = k.Syscalls.Brk(0);
            Assert.Equal(brk + 0x5000, k.Syscalls.Brk(brk + 0x5000));
        });
        output.WriteLine(k.ProcPid.Maps(p.Pid));
        output.WriteLine(k.ProcPid.Status(p.Pid));
        k.Mmap.CheckVmas(p.Mm!);
        k.Driver.RunAs(p, () => k.Exit.DoExit(0));
        output.WriteLine($"{free0} {k.PageAlloc.NrFreePages()}");
    }
}
