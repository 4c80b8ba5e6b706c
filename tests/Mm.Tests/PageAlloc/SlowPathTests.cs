using LinuxVm.Mm.Include;
using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Simulation;
using LinuxVm.Mm.Tests.Arch.X86;
using KSemaphore = LinuxVm.Mm.KernelModel.Semaphore;

namespace LinuxVm.Mm.Tests.PageAllocTests;

/// <summary>
/// The port's stopping rule in __alloc_pages's slow path. 2.4 loops for ever for orders up to 3;
/// the port retries only while reclaim freed pages or the zonelist's zones gained free pages
/// during the yield, and otherwise returns NULL. The yield is real: another task runs meanwhile.
/// </summary>
public class SlowPathTests
{
    // Takes GFP_KERNEL pages until the port's stopping rule returns NULL; returns them.
    private static List<Page> Exhaust(Kernel k)
    {
        var taken = new List<Page>();
        while (k.PageAlloc.AllocPage(Gfp.Kernel) is Page p)
            taken.Add(p);
        return taken;
    }

    // A task asleep on a semaphore that, once woken, frees toFree[0]. Wake() makes it runnable
    // with the best time slice, so it is the one that runs when the allocating task yields.
    private sealed class Freer(ProcessPc pc)
    {
        private readonly KSemaphore _go = new(pc.Kernel, "go", 0);
        private TaskStruct _task = null!;

        public Page? ToFree { get; set; }

        public TaskRun<bool> Run { get; private set; } = null!;

        public Freer Start()
        {
            Kernel k = pc.Kernel;
            _task = pc.Spawn("freer");
            Run = k.Driver.Start(_task, () =>
            {
                _go.Down();
                k.PageAlloc.FreePage(ToFree!);
            });
            return this;
        }

        public void Wake()
        {
            pc.Kernel.Driver.RunAs(pc.Init, _go.Up);
            _task.Counter = Sched.MaxCounter;
        }
    }

    [Fact]
    public void PagesFreedOutsideTheZonelist_DuringTheYield_DoNotBuyARetry()
    {
        using var pc = ProcessPc.Boot(1024);
        Kernel k = pc.Kernel;
        TaskStruct x = pc.Spawn("allocator");
        Freer freer = new Freer(pc).Start();
        Page high = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Assert.Same(k.Numa.ContigPageData.NodeZones[MmZone.ZoneHighMem], k.PageAlloc.PageZone(high));
        Exhaust(k);
        freer.ToFree = high;   // a HighMem page: no use to GFP_KERNEL
        freer.Wake();

        Assert.Null(k.Driver.RunAs(x, () => k.PageAlloc.AllocPage(Gfp.Kernel)));
        Assert.True(freer.Run.IsCompleted);
        k.PageAlloc.CheckInvariants();
    }

    [Fact]
    public void PagesFreedInTheZonelistDuringTheYield_AreTakenOnTheRetry()
    {
        using var pc = ProcessPc.Boot(64);
        Kernel k = pc.Kernel;
        TaskStruct x = pc.Spawn("allocator");
        Freer freer = new Freer(pc).Start();
        List<Page> taken = Exhaust(k);
        Page last = taken[^1];
        freer.ToFree = last;
        freer.Wake();

        // The last page taken came from DMA; given back during the yield, it lifts DMA one page
        // above its limit, so the retry's third pass takes it.
        Assert.Same(last, k.Driver.RunAs(x, () => k.PageAlloc.AllocPage(Gfp.Kernel)));
        Assert.True(freer.Run.IsCompleted);
    }
}
