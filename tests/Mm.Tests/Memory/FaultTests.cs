using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.Memory;

public class FaultTests
{
    private const uint Base = 0x08048000;

    [Fact]
    public void WriteFault_AllocatesAZeroedPage_AndTheBytesReadBack()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("app");
        pc.MapAnonymous(p, Base, 4 * 4096);
        uint free = pc.Kernel.PageAlloc.NrFreePages();

        Assert.True(pc.User.WriteU32(p, Base + 8, 0xDEADBEEF));
        Assert.Equal(0xDEADBEEFu, pc.User.ReadU32(p, Base + 8));
        Assert.Equal(0u, pc.User.ReadU32(p, Base + 12));
        Assert.Equal(1u, p.Mm!.Rss);
        Assert.Equal(1u, p.MinFlt);
        // One data page and one page table.
        Assert.Equal(free - 2, pc.Kernel.PageAlloc.NrFreePages());
    }

    [Fact]
    public void ReadFault_MapsTheZeroPage_ThenAWriteCopiesIt()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("app");
        pc.MapAnonymous(p, Base, 4096);

        Assert.Equal(0u, pc.User.ReadU32(p, Base));
        Assert.Equal(0u, p.Mm!.Rss);
        Page zero = pc.Kernel.Arch.ZeroPage(0);
        Assert.Same(zero, pc.Kernel.Memory.FollowPage(p.Mm, Base, 0));

        Assert.True(pc.User.WriteU32(p, Base, 7));
        Assert.Equal(1u, p.Mm.Rss);
        Assert.NotSame(zero, pc.Kernel.Memory.FollowPage(p.Mm, Base, 0));
        Assert.Equal(2u, p.MinFlt);
    }

    [Fact]
    public void Fork_SharesPages_AndAWriteCopiesOnlyForTheWriter()
    {
        var pc = ProcessPc.Boot();
        var parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, Base, 2 * 4096);
        Assert.True(pc.User.WriteU32(parent, Base, 1));
        Assert.True(pc.User.WriteU32(parent, Base + 4096, 2));

        var child = pc.Fork(parent);
        Assert.Equal(2u, child.Mm!.Rss);
        Page shared = pc.Kernel.Memory.FollowPage(parent.Mm!, Base, 0)!;
        Assert.Equal(2, shared.Count);
        Assert.Same(shared, pc.Kernel.Memory.FollowPage(child.Mm, Base, 0));

        Assert.True(pc.User.WriteU32(child, Base, 10));
        Assert.Equal(1u, pc.User.ReadU32(parent, Base));
        Assert.Equal(10u, pc.User.ReadU32(child, Base));
        Assert.Equal(2u, pc.User.ReadU32(child, Base + 4096));
        Assert.Equal(1, shared.Count);

        // The parent is the last user of its page now: its write reuses the page in place.
        Assert.True(pc.User.WriteU32(parent, Base, 11));
        Assert.Same(shared, pc.Kernel.Memory.FollowPage(parent.Mm!, Base, 1));
    }

    [Fact]
    public void Exit_ReturnsEveryPage()
    {
        var pc = ProcessPc.Boot();
        uint before = pc.FreeIncludingQuicklists();
        var parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, Base, 64 * 4096);
        for (uint i = 0; i < 64; i += 3)
            Assert.True(pc.User.WriteU32(parent, Base + i * 4096, i));
        var child = pc.Fork(parent);
        Assert.True(pc.User.WriteU32(child, Base, 5));
        pc.Exit(child);
        pc.Exit(parent);
        Assert.Equal(before, pc.FreeIncludingQuicklists());
    }

    [Fact]
    public void BadAccess_KillsOnlyThatProcess_WithSigsegv()
    {
        var pc = ProcessPc.Boot();
        var a = pc.Spawn("a");
        var b = pc.Spawn("b");
        pc.MapAnonymous(a, Base, 4096);
        pc.MapAnonymous(b, Base, 4096);
        Assert.True(pc.User.WriteU32(b, Base, 3));

        Assert.False(pc.User.WriteU32(a, 0x40000000, 1));
        Assert.Equal(Sched.TaskZombie, a.State);
        Assert.Equal(Signal.Sigsegv, a.ExitCode);
        Assert.Equal(Fault.SegvMaperr, pc.Arch.Thread(a).LastSiCode);
        Assert.Equal(3u, pc.User.ReadU32(b, Base));
    }

    [Fact]
    public void WriteToReadOnlyRegion_IsSegvAccerr()
    {
        var pc = ProcessPc.Boot();
        var a = pc.Spawn("a");
        pc.MapAnonymous(a, Base, 4096, writable: false);
        Assert.Equal(0u, pc.User.ReadU32(a, Base));
        Assert.False(pc.User.WriteU32(a, Base, 1));
        Assert.Equal(Fault.SegvAccerr, pc.Arch.Thread(a).LastSiCode);
    }

    [Fact]
    public void Stack_GrowsDown_WhenTouchedNearEsp_ButNotFarBelowIt()
    {
        var pc = ProcessPc.Boot();
        var a = pc.Spawn("a");
        const uint top = 0xC0000000;
        var stack = pc.MapAnonymous(a, top - 4096, 4096, extraFlags: VmFlags.GrowsDown);
        pc.Arch.Thread(a).Regs.Esp = top - 3 * 4096;
        Assert.True(pc.User.WriteU32(a, top - 3 * 4096 - 16, 9));
        Assert.Equal(top - 3 * 4096 - 4096, stack.VmStart);
        Assert.False(pc.User.WriteU32(a, top - 10 * 4096, 9));
        Assert.Equal(Sched.TaskZombie, a.State);
    }

    [Fact]
    public void CopyToUser_FaultsPagesIn_AndReportsWhatItCouldNotCopy()
    {
        var pc = ProcessPc.Boot();
        var a = pc.Spawn("a");
        pc.MapAnonymous(a, Base, 4096);
        byte[] data = new byte[100];
        Array.Fill(data, (byte)0x5A);
        uint left = 0;
        // The last 50 bytes fall past the region: the copy stops there.
        pc.Kernel.Driver.RunAs(a, () => left = pc.Arch.Uaccess.CopyToUser(Base + 4096 - 50, data));
        Assert.Equal(50u, left);
        byte[] back = new byte[50];
        Assert.True(pc.User.Read(a, Base + 4096 - 50, back));
        Assert.All(back, x => Assert.Equal(0x5A, x));
        Assert.NotEqual(Sched.TaskZombie, a.State);

        int err = 0;
        pc.Kernel.Driver.RunAs(a, () => err = pc.Arch.Uaccess.PutUser(1, 0xC0000000));
        Assert.Equal(-Errno.Efault, err);
    }

    [Fact]
    public void KernelTouchingABadUserAddress_WithoutFixup_Oopses()
    {
        var pc = ProcessPc.Boot();
        var a = pc.Spawn("a");
        Assert.Throws<KernelPanicException>(() =>
            pc.Kernel.Driver.RunAs(a, () => pc.Arch.Mmu.ReadU32(pc.Arch.CurrentCpuData, 0x1000)));
    }
}

public class VmallocFaultTests
{
    [Fact]
    public void KernelAccessToANewVmallocArea_CopiesThePgdEntryIntoTheProcess()
    {
        var pc = ProcessPc.Boot(64);
        var p = pc.Spawn("late");
        pc.MapAnonymous(p, 0x40000000, 4096);
        // Allocated after the process's page directory was made: its pgd lacks the new entries.
        uint area = pc.Kernel.Vmalloc.Alloc(8 << 20);
        Assert.NotEqual(0u, area);
        pc.Kernel.Driver.RunAs(pc.Init, () => pc.Arch.Mmu.WriteU32(pc.Arch.CurrentCpuData, area + (6 << 20), 77));
        // vmalloc mappings are global: drop the TLB entry init's access left, so the walk happens.
        pc.Kernel.Arch.FlushTlbAll();

        uint read = 0;
        var pgd = pc.Kernel.Arch.PgdOffset(p.Mm!, area + (6 << 20));
        Assert.True(pc.Kernel.Arch.ReadPmd(pc.Kernel.Arch.PmdOffset(pgd, area + (6 << 20))).None);
        pc.Kernel.Driver.RunAs(p, () =>
        {
            pc.User.TouchPages(0x40000000, 1);
            read = pc.Arch.Mmu.ReadU32(pc.Arch.CurrentCpuData, area + (6 << 20));
        });

        Assert.Equal(77u, read);
        Assert.False(pc.Kernel.Arch.ReadPmd(pc.Kernel.Arch.PmdOffset(pgd, area + (6 << 20))).None);
    }

    [Fact]
    public void TouchPages_FaultsEachPageOnce()
    {
        var pc = ProcessPc.Boot();
        var p = pc.Spawn("toucher");
        pc.MapAnonymous(p, 0x40000000, 100 * 4096);
        int done = pc.Kernel.Driver.RunAs(p, () => pc.User.TouchPages(0x40000000, 100));
        Assert.Equal(100, done);
        Assert.Equal(100u, p.MinFlt);
        Assert.Equal(100u, p.Mm!.Rss);
        // One page past the region: the 101st touch is a SIGSEGV, and the task dies of it.
        pc.Kernel.Driver.RunAs(p, () => pc.User.TouchPages(0x40000000, 101));
        Assert.Equal(LinuxVm.Mm.KernelModel.Sched.TaskZombie, p.State);
        Assert.Equal(LinuxVm.Mm.KernelModel.Signal.Sigsegv, p.ExitCode);
    }
}
