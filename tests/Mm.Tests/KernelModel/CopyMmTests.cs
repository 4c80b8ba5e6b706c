using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Simulation;
using LinuxVm.Mm.Tests.Arch.X86;

namespace LinuxVm.Mm.Tests.KernelModel;

public class CopyMmTests
{
    // copy_mm copies the parent's regions with the parent's mmap_sem held for writing. Another
    // task holding that semaphore for reading (as ptrace's access_process_vm does on the traced
    // task's mm) makes the fork wait until it lets go.
    [Fact]
    public void Fork_WaitsForAReaderOfTheParentsMmapSem_BeforeCopyingItsRegions()
    {
        using ProcessPc pc = ProcessPc.Boot();
        Kernel k = pc.Kernel;
        TaskStruct parent = pc.Spawn("parent");
        pc.MapAnonymous(parent, 0x08048000, 4 * 4096);
        TaskStruct reader = pc.Spawn("reader");
        MmStruct mm = parent.Mm!;

        TaskRun<bool> holding = k.Driver.Start(reader, () =>
        {
            mm.MmapSem.DownRead();
            reader.State = Sched.TaskUninterruptible;
            k.Sched.ScheduleTimeout(3);
            mm.MmapSem.UpRead();
        });
        Assert.False(holding.IsDone);

        TaskStruct child = pc.Fork(parent);

        Assert.True(holding.IsCompleted);
        Assert.Equal(mm.MapCount, child.Mm!.MapCount);
    }
}
