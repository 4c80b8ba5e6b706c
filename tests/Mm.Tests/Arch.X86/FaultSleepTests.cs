using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Simulation;

namespace LinuxVm.Mm.Tests.Arch.X86;

/// <summary>
/// A page fault that sleeps: while the faulting task waits, other tasks run and make user
/// accesses of their own. When it resumes, the rest of its access must still be its own: the
/// registers a second fault pushes are its registers (so a copy from user space still finds its
/// exception-table fixup), and the translation uses the CPU it now runs on.
/// </summary>
public class FaultSleepTests
{
    private const uint Base = 0x40000000;
    private const uint Rw = Mman.ProtRead | Mman.ProtWrite;

    // Parent `a` maps one shared anonymous page and forks `b`; `b` touches the page first, so it
    // sits in the shmem object's page cache while `a` has no pte for it yet. The test holds the
    // page's lock, so `a`'s fault on it sleeps in shmem_getpage's find_lock_page.
    private static (ProcessPc Pc, TaskStruct A, TaskStruct B, Page Shared) Setup(int cpus)
    {
        ProcessPc pc = ProcessPc.Boot(16, cpus: cpus);
        Kernel k = pc.Kernel;
        TaskStruct a = pc.Spawn("a");
        uint addr = k.Driver.RunAs(a, () =>
            k.Syscalls.Mmap(Base, 4096, Rw, Mman.MapShared | Mman.MapAnonymous | Mman.MapFixed));
        Assert.Equal(Base, addr);
        TaskStruct b = pc.Fork(a);
        Assert.True(pc.User.WriteU32(b, Base + 4092, 0x11223344));
        Page shared = k.Memory.FollowPage(b.Mm!, Base, 0)!;
        Assert.Null(k.Memory.FollowPage(a.Mm!, Base, 0));
        Assert.False(LinuxVm.Mm.Memory.TryLockPage(shared)); // the test holds the lock
        return (pc, a, b, shared);
    }

    [Fact]
    public void CopyFromUser_WhoseFaultSleeps_StillFindsItsFixup_AfterAnotherTaskRanInUserMode()
    {
        (ProcessPc pc, TaskStruct a, TaskStruct b, Page shared) = Setup(cpus: 1);
        using ProcessPc machine = pc;
        Kernel k = pc.Kernel;
        byte[] buf = new byte[8];

        // Four bytes from the shared page, then four from the unmapped page after it.
        TaskRun<uint> copy = k.Driver.Start(a, () => pc.Arch.Uaccess.CopyFromUser(buf, Base + 4092));
        Assert.False(copy.IsDone);
        Assert.Equal(Sched.TaskUninterruptible, a.State);

        // While `a` sleeps inside its fault, `b` runs in user mode on the same CPU.
        Assert.Equal(0x11223344u, pc.User.ReadU32(b, Base + 4092));
        k.Driver.RunAs(b, () => k.Filemap.UnlockPage(shared));

        uint left = k.Driver.Wait(copy);
        Assert.Equal(4u, left);
        Assert.Equal(0x11223344u, BitConverter.ToUInt32(buf, 0));
        Assert.NotEqual(Sched.TaskZombie, a.State);
    }

    [Fact]
    public void UserRead_WhoseFaultSleeps_ReadsItsOwnPages_WhenItResumes()
    {
        (ProcessPc pc, TaskStruct a, TaskStruct b, Page shared) = Setup(cpus: 2);
        using ProcessPc machine = pc;
        Kernel k = pc.Kernel;
        // `a` and `b` each map a private page right after the shared one, with different bytes.
        foreach ((TaskStruct t, uint v) in new[] { (a, 0xAAAAAAAAu), (b, 0xBBBBBBBBu) })
        {
            k.Driver.RunAs(t, () => k.Syscalls.Mmap(Base + 4096, 4096, Rw,
                Mman.MapPrivate | Mman.MapAnonymous | Mman.MapFixed));
            Assert.True(pc.User.WriteU32(t, Base + 4096, v));
        }

        byte[] buf = new byte[8];
        TaskRun<bool> read = k.Driver.Start(a, () => pc.User.Read(Base + 4092, buf));
        Assert.False(read.IsDone);

        // `b` runs on the CPU `a` slept on, leaving its own mm loaded there (lazily, under idle).
        k.Driver.RunAs(b, () => k.Filemap.UnlockPage(shared));
        Assert.True(k.Driver.Wait(read));
        Assert.Equal(0x11223344u, BitConverter.ToUInt32(buf, 0));
        Assert.Equal(0xAAAAAAAAu, BitConverter.ToUInt32(buf, 4));
    }
}
