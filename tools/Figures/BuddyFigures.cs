using System.Globalization;
using System.Text;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Figures;

/// <summary>
/// Figures for chapters 3, 5 and 7 (the buddy allocator, zones, bootmem), made by booting PCs and
/// running mm/page_alloc.c and mm/bootmem.c.
/// </summary>
public static class BuddyFigures
{
    private static Kernel Pc(uint megabytes) =>
        Machine.Boot(new MachineConfig { RamBytes = (ulong)megabytes << 20 }).Kernel;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static Zone HighMem(Kernel k) => k.Numa.ContigPageData.NodeZones[MmZone.ZoneHighMem];

    /// <summary>
    /// The HighMem free lists of a 1 GiB PC (blocks per order and the first pfn on each list)
    /// after boot, after alloc_page, after a second alloc_page, after an order-2 allocation, and
    /// after everything is freed again: one column per step (what it returned under its name),
    /// one row per order, so the table fits a page's column.
    /// </summary>
    public static string FreeListsAfterSequence()
    {
        Kernel k = Pc(1024);
        Zone hm = HighMem(k);
        var steps = new List<(string Head, string[] Cells)>();
        void Step(string head) => steps.Add((head, hm.FreeArea.Select(a =>
        {
            var l = a.FreeList.Entries<Page>().Select(p => p.MapNr).ToList();
            return l.Count == 0 ? "0" : l.Count == 1 ? Inv($"1 ({l[0]})") : Inv($"{l.Count} ({l[0]}, ...)");
        }).ToArray()));
        Step("after boot");
        Page a = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Step(Inv($"alloc_page: {a.MapNr}"));
        Page b = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        Step(Inv($"alloc_page: {b.MapNr}"));
        Page c = k.PageAlloc.AllocPages(Gfp.HighUser, 2)!;
        Step(Inv($"alloc_pages(order 2): {c.MapNr}"));
        k.PageAlloc.FreePage(a);
        Step(Inv($"free {a.MapNr}"));
        k.PageAlloc.FreePages(c, 2);
        Step(Inv($"free {c.MapNr} (order 2)"));
        k.PageAlloc.FreePage(b);
        Step(Inv($"free {b.MapNr}"));
        var sb = new StringBuilder();
        sb.AppendLine("| order | " + string.Join(" | ", steps.Select(s => s.Head)) + " |");
        sb.AppendLine("|------:|" + string.Concat(Enumerable.Repeat("------:|", steps.Count)));
        for (int order = 0; order < MmZone.MaxOrder; order++)
            sb.AppendLine(Inv($"| {order} | ") + string.Join(" | ", steps.Select(s => s.Cells[order])) + " |");
        return sb.ToString();
    }

    /// <summary>The zones of a 64 MiB and a 1 GiB PC: size, pages_min/low/high in pages and kB, wait table size.</summary>
    public static string ZoneWatermarks()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| machine | zone | pages | pages_min | pages_low | pages_high | wait_table |");
        sb.AppendLine("|---------|------|------:|----------:|----------:|-----------:|-----------:|");
        foreach (uint mb in new uint[] { 64, 1024 })
        {
            Kernel k = Pc(mb);
            foreach (Zone z in k.Numa.ContigPageData.NodeZones)
            {
                if (z.Size == 0)
                {
                    sb.AppendLine(Inv($"| {mb} MiB | {z.Name} | 0 | - | - | - | - |"));
                    continue;
                }
                sb.AppendLine(Inv($"| {mb} MiB | {z.Name} | {z.Size} | {z.PagesMin} ({z.PagesMin * 4} kB) | {z.PagesLow} ({z.PagesLow * 4} kB) | {z.PagesHigh} ({z.PagesHigh * 4} kB) | {z.WaitTableSize} |"));
            }
        }
        return sb.ToString();
    }

    /// <summary>What show_free_areas prints on a freshly booted 64 MiB PC.</summary>
    public static string ShowFreeAreas64MiB() => Pc(64).PageAlloc.ShowFreeAreas();

    /// <summary>/proc/buddyinfo of freshly booted 64 MiB and 1 GiB PCs.</summary>
    public static string Buddyinfo() =>
        "64 MiB:\n" + Pc(64).ProcMisc.BuddyinfoReadProc() + "\n1 GiB:\n" + Pc(1024).ProcMisc.BuddyinfoReadProc();

    /// <summary>/proc/meminfo of a freshly booted 1 GiB PC.</summary>
    public static string Meminfo1GiB() => Pc(1024).ProcMisc.MeminfoReadProc();

    /// <summary>
    /// How many pages a 64 MiB PC has left free when allocations of each kind start failing with
    /// nothing to reclaim: GFP_KERNEL, GFP_ATOMIC, and a PF_MEMALLOC task.
    /// </summary>
    public static string WhereAllocationsStop()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| caller | DMA free | Normal free | total free |");
        sb.AppendLine("|--------|---------:|------------:|-----------:|");
        foreach ((string name, uint gfp, bool memalloc) in new[] { ("GFP_KERNEL", Gfp.Kernel, false), ("GFP_ATOMIC", Gfp.Atomic, false), ("PF_MEMALLOC task, GFP_KERNEL", Gfp.Kernel, true) })
        {
            Kernel k = Pc(64);
            if (memalloc)
                k.Current.Flags |= LinuxVm.Mm.KernelModel.TaskStruct.PfMemalloc;
            while (k.PageAlloc.AllocPage(gfp) is not null) { }
            Zone[] z = k.Numa.ContigPageData.NodeZones;
            sb.AppendLine(Inv($"| {name} | {z[0].FreePages} | {z[1].FreePages} | {k.PageAlloc.NrFreePages()} |"));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Where consecutive boot-time allocations land on a 64 MiB PC right after setup_memory, with
    /// bootmem's last_pos and last_offset after each: the packing of small requests into one page.
    /// </summary>
    public static string BootmemPlacement()
    {
        Kernel k = Machine.Boot(new MachineConfig { RamBytes = 64UL << 20, StopAfter = BootStage.SetupMemory }).Kernel;
        BootmemData b = k.Numa.ContigBootmemData;
        var sb = new StringBuilder();
        sb.AppendLine("| call | returns | last_pos | last_offset |");
        sb.AppendLine("|------|--------:|---------:|------------:|");
        void Row(string call, uint addr) => sb.AppendLine(Inv($"| {call} | 0x{addr:X8} | {b.LastPos} | {b.LastOffset} |"));
        Row("alloc_bootmem(100)", k.Bootmem.AllocBootmem(100));
        Row("alloc_bootmem(100)", k.Bootmem.AllocBootmem(100));
        Row("alloc_bootmem(5000)", k.Bootmem.AllocBootmem(5000));
        Row("alloc_bootmem_pages(4096)", k.Bootmem.AllocBootmemPages(4096));
        Row("alloc_bootmem(40)", k.Bootmem.AllocBootmem(40));
        Row("alloc_bootmem_low(40)", k.Bootmem.AllocBootmemLow(40));
        Row("alloc_bootmem_low_pages(8192)", k.Bootmem.AllocBootmemLowPages(8192));
        return sb.ToString();
    }

    /// <summary>
    /// The buddy bitmaps of the last 16 pages of HighMem on a 1 GiB PC after one order-0
    /// allocation: which pair bits expand flipped, order by order.
    /// </summary>
    public static string BitmapAfterOneAllocation()
    {
        Kernel k = Pc(1024);
        Zone hm = HighMem(k);
        Page p = k.PageAlloc.AllocPage(Gfp.HighUser)!;
        uint idx = (uint)(p.MapNr - hm.ZoneMemMap);
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"allocated pfn {p.MapNr} (zone index {idx})"));
        for (int order = 0; order < MmZone.MaxOrder - 1; order++)
        {
            uint bit = idx >> (order + 1);
            sb.AppendLine(Inv($"order {order}: pair bit {bit,5} = {(hm.FreeArea[order].Map!.TestBit(bit) ? 1 : 0)}  (blocks {(bit << (order + 1))}+{1u << order} and {(bit << (order + 1)) + (1u << order)}+{1u << order})"));
        }
        return sb.ToString();
    }
}
