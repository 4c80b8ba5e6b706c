using System.Globalization;
using System.Text;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Figures;

/// <summary>Figures for chapters 2 and 6, made by booting simulated PCs and running vmalloc.</summary>
public static class ArchFigures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static Machine Boot(ulong mib, bool pae = false) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Pae = pae });

    /// <summary>The BIOS e820 map of a 4 GiB PC (the largest the simulation builds), with its PCI hole and remapped RAM.</summary>
    public static string E820Of4GiB()
    {
        var s = new StringBuilder();
        foreach (E820Entry e in Bios.E820Map(4UL << 30))
            s.AppendLine(Inv, $"{e.Addr:x9} - {e.End:x9}  {e.TypeName,-9} {(e.Size >> 10),9} KiB");
        return s.ToString();
    }

    /// <summary>max_low_pfn, high memory and zone sizes of 64 MiB, 1 GiB and 4 GiB PCs, with and without PAE.</summary>
    public static string ZoneSizesByMachine()
    {
        var s = new StringBuilder();
        s.AppendLine("RAM     kernel   max_pfn   max_low_pfn   ZONE_DMA  ZONE_NORMAL  ZONE_HIGHMEM   free after boot");
        foreach (ulong mib in new ulong[] { 64, 1024, 4096 })
            foreach (bool pae in new[] { false, true })
            {
                Machine m = Boot(mib, pae);
                Zone[] z = m.Kernel.Numa.ContigPageData.NodeZones;
                s.AppendLine(Inv, $"{mib,4} MiB  {(pae ? "PAE   " : "2-level")} {m.Kernel.Bootmem.MaxPfn,8} {m.Kernel.Bootmem.MaxLowPfn,12} {z[0].Size,10} {z[1].Size,12} {z[2].Size,13} {m.Kernel.PageAlloc.NrFreePages(),17}");
            }
        return s.ToString();
    }

    /// <summary>The vmalloc list of a 64 MiB PC after vmalloc(5000), vmalloc(64K), vmalloc(1), vfree of the first, vmalloc(4096).</summary>
    public static string VmallocLayoutAfterSequence()
    {
        Machine m = Boot(64);
        Vmalloc v = m.Kernel.Vmalloc;
        uint a = v.Alloc(5000);
        v.Alloc(64 * 1024);
        v.Alloc(1);
        v.Vfree(a);
        v.Alloc(4096);
        var s = new StringBuilder();
        s.AppendLine(Inv, $"VMALLOC_START 0x{m.Arch.VmallocStart:x8}");
        uint prev = m.Arch.VmallocStart;
        foreach (VmStruct area in v.Areas)
        {
            if (area.Addr > prev)
                s.AppendLine(Inv, $"  0x{prev:x8}-0x{area.Addr:x8}  free ({(area.Addr - prev) / 4096} pages)");
            uint guard = area.Addr + area.Size - 4096;
            s.AppendLine(Inv, $"  0x{area.Addr:x8}-0x{guard:x8}  area of {(area.Size / 4096) - 1} page(s)");
            s.AppendLine(Inv, $"  0x{guard:x8}-0x{area.Addr + area.Size:x8}  guard page (unmapped)");
            prev = area.Addr + area.Size;
        }
        s.AppendLine(Inv, $"  0x{prev:x8}-0x{m.Arch.VmallocEnd:x8}  free up to VMALLOC_END");
        return s.ToString();
    }

    /// <summary>The kernel's virtual address space of a booted 64 MiB PC without PAE, from PAGE_OFFSET up.</summary>
    public static string KernelVirtualLayout()
    {
        Machine m = Boot(64);
        var a = m.Arch;
        var s = new StringBuilder();
        void Row(uint from, ulong to, string what) => s.AppendLine(Inv, $"0x{from:x8} - 0x{to:x8}  {what}");
        Row(a.PageOffset, m.Kernel.Memory.HighMemory, "direct map of low memory (4 MiB PSE pages, global)");
        Row(m.Kernel.Memory.HighMemory, a.VmallocStart, "gap (VMALLOC_OFFSET): catches overruns");
        Row(a.VmallocStart, a.VmallocEnd, "vmalloc and ioremap areas, each followed by a guard page");
        Row(a.VmallocEnd, a.PkmapBase, "two unmapped pages");
        Row(a.PkmapBase, a.PkmapBase + (uint)a.LastPkmap * 4096, $"pkmap window: {a.LastPkmap} permanent kmap slots");
        Row(a.PkmapBase + (uint)a.LastPkmap * 4096, a.FixaddrStart, "unused");
        Row(a.FixaddrStart, a.FixaddrTop, $"fixmap: {Fixmap.EndOfPermanentFixedAddresses} permanent slots (APICs, kmap_atomic)");
        Row(a.FixaddrTop, 0x1_0000_0000, "last page, never mapped");
        return s.ToString();
    }
}
