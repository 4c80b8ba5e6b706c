using LinuxVm.Mm.Include;
using LinuxVm.Mm.Tests.Machines;

namespace LinuxVm.Mm.Tests.PageAllocTests;

/// <summary>
/// The port's stopping rule in __alloc_pages's slow path. 2.4 loops for ever for orders up to 3;
/// the port retries only while reclaim freed pages or the zonelist's zones gained free pages
/// during the yield, and otherwise returns NULL.
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

    [Fact]
    public void PagesFreedOutsideTheZonelist_DoNotBuyARetry()
    {
        var k = FlatPc.Boot(1024).Kernel;
        Page high = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Assert.Same(k.Numa.ContigPageData.NodeZones[MmZone.ZoneHighMem], k.PageAlloc.PageZone(high));
        Exhaust(k);

        int reclaimRounds = 0;
        k.PageAlloc.TryToFreePagesZone = (_, _) => { reclaimRounds++; return 0; };
        bool freedHigh = false;
        k.PageAlloc.Yield = () =>
        {
            if (!freedHigh)
                k.PageAlloc.FreePage(high);   // a HighMem page: no use to GFP_KERNEL
            freedHigh = true;
        };

        Assert.Null(k.PageAlloc.AllocPage(Gfp.Kernel));
        Assert.True(freedHigh);
        Assert.Equal(1, reclaimRounds);
        k.PageAlloc.CheckInvariants();
    }

    [Fact]
    public void PagesFreedInTheZonelistDuringTheYield_AreTakenOnTheRetry()
    {
        var k = FlatPc.Boot(64).Kernel;
        List<Page> taken = Exhaust(k);
        Page last = taken[^1];

        int reclaimRounds = 0;
        k.PageAlloc.TryToFreePagesZone = (_, _) => { reclaimRounds++; return 0; };
        bool yielded = false;
        k.PageAlloc.Yield = () =>
        {
            if (!yielded)
                k.PageAlloc.FreePage(last);
            yielded = true;
        };

        // The last page taken came from DMA, which stopped at 97 + 32 = 129 free pages; given back
        // during the yield it makes 130, so the second round's third pass takes it.
        Assert.Same(last, k.PageAlloc.AllocPage(Gfp.Kernel));
        Assert.Equal(2, reclaimRounds);
    }

    [Fact]
    public void ReclaimThatFreesPages_IsFollowedByAnotherRound()
    {
        var k = FlatPc.Boot(64).Kernel;
        List<Page> taken = Exhaust(k);
        uint free = k.PageAlloc.NrFreePages();

        // A reclaim hook that frees two pages in its first round: the third pass then finds the
        // Normal zone above pages_min + 1 again and the allocation succeeds.
        int reclaimRounds = 0;
        k.PageAlloc.TryToFreePagesZone = (_, _) =>
        {
            reclaimRounds++;
            if (reclaimRounds > 1)
                return 0;
            k.PageAlloc.FreePage(taken[^1]);
            k.PageAlloc.FreePage(taken[^2]);
            return 2;
        };

        Assert.NotNull(k.PageAlloc.AllocPage(Gfp.Kernel));
        Assert.Equal(1, reclaimRounds);
        Assert.Equal(free + 1, k.PageAlloc.NrFreePages());
    }
}
