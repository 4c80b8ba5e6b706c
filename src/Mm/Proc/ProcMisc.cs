using System.Globalization;
using System.Text;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm.Proc;

/// <summary>
/// The memory files of fs/proc/proc_misc.c, as text: /proc/meminfo in the exact 2.4.20 layout,
/// and /proc/buddyinfo in the layout of the later 2.4 trees that added it.
/// </summary>
public sealed class ProcMisc
{
    private readonly Kernel _kernel;

    /// <summary>Creates the /proc views of <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The kernel whose state is shown.</param>
    public ProcMisc(Kernel kernel) => _kernel = kernel;

    /// <summary>The text of /proc/meminfo: a byte table followed by the tagged kB lines.</summary>
    [Linux("fs/proc/proc_misc.c", "meminfo_read_proc")]
    public string MeminfoReadProc()
    {
        var i = new SysInfo();
        _kernel.Arch.SiMeminfo(i);
        _kernel.Swapfile.SiSwapinfo(i);
        uint swapCache = _kernel.SwapState.SwapperSpace.NrPages;
        ulong pgSize = _kernel.Filemap.PageCacheSize - (ulong)i.BufferRam;

        static ulong K(ulong x) => x << (PageShift - 10);
        static ulong B(ulong x) => x << PageShift;
        var s = new StringBuilder();
        s.Append("        total:    used:    free:  shared: buffers:  cached:\n");
        s.Append(Inv($"Mem:  {B(i.TotalRam),8} {B(i.TotalRam - i.FreeRam),8} {B(i.FreeRam),8} {B(i.SharedRam),8} {B(i.BufferRam),8} {B(pgSize),8}\n"));
        s.Append(Inv($"Swap: {B(i.TotalSwap),8} {B(i.TotalSwap - i.FreeSwap),8} {B(i.FreeSwap),8}\n"));
        PageAlloc pa = _kernel.PageAlloc;
        s.Append(Inv($"MemTotal:     {K(i.TotalRam),8} kB\n"));
        s.Append(Inv($"MemFree:      {K(i.FreeRam),8} kB\n"));
        s.Append(Inv($"MemShared:    {K(i.SharedRam),8} kB\n"));
        s.Append(Inv($"Buffers:      {K(i.BufferRam),8} kB\n"));
        s.Append(Inv($"Cached:       {K(pgSize - swapCache),8} kB\n"));
        s.Append(Inv($"SwapCached:   {K(swapCache),8} kB\n"));
        s.Append(Inv($"Active:       {K((ulong)pa.NrActivePages),8} kB\n"));
        s.Append(Inv($"Inactive:     {K((ulong)pa.NrInactivePages),8} kB\n"));
        s.Append(Inv($"HighTotal:    {K(i.TotalHigh),8} kB\n"));
        s.Append(Inv($"HighFree:     {K(i.FreeHigh),8} kB\n"));
        s.Append(Inv($"LowTotal:     {K(i.TotalRam - i.TotalHigh),8} kB\n"));
        s.Append(Inv($"LowFree:      {K(i.FreeRam - i.FreeHigh),8} kB\n"));
        s.Append(Inv($"SwapTotal:    {K(i.TotalSwap),8} kB\n"));
        s.Append(Inv($"SwapFree:     {K(i.FreeSwap),8} kB\n"));
        return s.ToString();
    }

    /// <summary>
    /// The text of /proc/buddyinfo: per node and populated zone, the number of free blocks on
    /// each order's list.
    /// </summary>
    /// <remarks>
    /// Port note: 2.4.20 has no /proc/buddyinfo. It appeared as a patch for 2.4.19 (fs/proc plus
    /// a frag_show in mm/page_alloc.c, carried by the -aa VM trees and merged into 2.5); this is
    /// that later layout: <c>"Node %d, zone %8s "</c>, then <c>"%6lu "</c> per order, zones of
    /// size 0 skipped. It carries no [Linux] tag because no 2.4.20 function prints it.
    /// </remarks>
    public string BuddyinfoReadProc()
    {
        var s = new StringBuilder();
        for (PgData? pgdat = _kernel.PageAlloc.PgdatList; pgdat is not null; pgdat = pgdat.NodeNext)
        {
            foreach (Zone zone in pgdat.NodeZones)
            {
                if (zone.Size == 0)
                    continue;
                zone.Lock.Lock();
                s.Append(Inv($"Node {pgdat.NodeId}, zone {zone.Name,8} "));
                for (int order = 0; order < MmZone.MaxOrder; ++order)
                    s.Append(Inv($"{zone.FreeArea[order].FreeList.Count(),6} "));
                zone.Lock.Unlock();
                s.Append('\n');
            }
        }
        return s.ToString();
    }

    private static string Inv(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
}
