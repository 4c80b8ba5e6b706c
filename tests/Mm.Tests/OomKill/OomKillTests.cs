using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Tests.KernelModel;

namespace LinuxVm.Mm.Tests.OomKillTests;

public class OomKillTests
{
    [Theory]
    [InlineData(0u, 1u)]
    [InlineData(1u, 1u)]
    [InlineData(3u, 1u)]
    [InlineData(4u, 2u)]
    [InlineData(25u, 5u)]
    [InlineData(256u, 12u)]
    [InlineData(65536u, 192u)]
    [InlineData(uint.MaxValue, 65535u)]
    public void IntSqrt_MatchesTheShiftAlgorithm(uint x, uint expected) => Assert.Equal(expected, OomKill.IntSqrt(x));

    [Fact]
    public void RawIoVictim_GetsSigtermNotSigkill()
    {
        var k = TaskTests.NewKernel();
        var p = k.Driver.Spawn("xserver");
        p.CapEffective = Capability.CapToMask(Capability.CapSysRawio);
        k.OomKill.OomKillTask(p);
        Assert.Equal(Signal.Sigmask(Signal.Sigterm), p.Pending.Signal);
    }

    [Fact]
    public void Ties_GoToTheTaskEarlierOnTheList()
    {
        var k = TaskTests.NewKernel();
        var a = k.Driver.Spawn("a");
        var b = k.Driver.Spawn("b");
        a.Mm!.TotalVm = b.Mm!.TotalVm = 1000;
        Assert.Same(a, k.OomKill.SelectBadProcess());
    }

    [Fact]
    public void Zombie_ScoresZero()
    {
        var k = TaskTests.NewKernel();
        var init = k.Driver.Spawn("init");
        var a = k.Driver.Spawn("a", init);
        a.Mm!.TotalVm = 1000;
        k.Driver.RunAs(a, () => k.Exit.DoExit(0));
        Assert.Equal(Sched.TaskZombie, a.State);
        Assert.Equal(0, k.OomKill.Badness(a));
    }

    [Fact]
    public void JiffiesWrap_ArithmeticIsThirtyTwoBit_AndANeverSetLastkillLooksRecentJustAfterTheWrap()
    {
        // The limiter keeps jiffies as 32-bit unsigned longs, as on i386. Failures every 10 ticks
        // from 150 ticks before the wrap are counted across it (differences wrap too), but the
        // kill waits until jiffies reach 500 again: lastkill starts at 0, so right after the wrap
        // "now - lastkill" is small, as if a process had just been killed.
        var k = TaskTests.NewKernel();
        var hog = k.Driver.Spawn("hog");
        hog.Mm!.TotalVm = 5000;
        uint start = uint.MaxValue - 150;
        uint? killedAt = null;
        int bootLog = k.KernelLog.Count;   // the boot's own lines
        for (uint i = 0; i < 100 && killedAt == null; i++)
        {
            k.Jiffies = start + i * 10;   // uint arithmetic wraps
            k.OomKill.OutOfMemory();
            if (k.KernelLog.Count > bootLog)
                killedAt = (uint)k.Jiffies;
        }
        Assert.Equal(509u, killedAt);
    }
}
