using System.Globalization;
using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;

namespace LinuxVm.Bench;

/// <summary>
/// Host memory a simulated machine costs: right after boot (mem_map and the few frames boot
/// writes), and per frame actually touched afterwards (the 4 KiB arrays plus bookkeeping).
/// </summary>
internal static class HostMemory
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IEnumerable<Row> Measure()
    {
        long before = Settle();
        Machine big = Machine.Boot(new MachineConfig { RamBytes = 4UL << 30, Pae = true });
        long booted = Settle() - before;
        double mib = booted / 1048576.0;
        yield return new Row("host memory, 4 GiB machine after boot", $"{mib.ToString("F0", Inv)} MiB", "< 256 MiB", mib < 256);
        yield return new Row("host memory per simulated MiB at boot", $"{(booted / 4096.0 / 1024).ToString("F1", Inv)} KiB", "(recorded)", true);

        // Touch 64 MiB of frames by allocating pages and writing one byte in each, then compare
        // the growth with the 4 KiB of contents each frame needs: the target is about 1.1x.
        var pages = new List<Page>();
        int touched = 0;
        long start = Settle();
        for (int i = 0; i < 16384; i++)
        {
            Page? p = big.Kernel.PageAlloc.AllocPages(Gfp.HighUser, 0);
            if (p is null)
                break;
            pages.Add(p);
            big.Kernel.Phys.WriteByte(big.Kernel.PageToPhys(p), 0x5a);
            touched++;
        }
        long grown = Settle() - start;
        double ratio = grown / (touched * 4096.0);
        yield return new Row($"host bytes per touched byte ({touched} frames)", ratio.ToString("F2", Inv) + "x", "about 1.1x", ratio <= 1.15);
        GC.KeepAlive(big);
        GC.KeepAlive(pages);
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(true);
    }
}
