using System.Globalization;
using System.Text;
using LinuxVm.Arch.X86;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;

namespace LinuxVm.Figures;

/// <summary>Figures for chapter 8 (the slab allocator), made by booting a PC and running mm/slab.c.</summary>
public static class SlabFigures
{
    private static Kernel Boot(ulong mib = 64, int cpus = 2) =>
        Machine.Boot(new MachineConfig { RamBytes = mib << 20, Cpus = cpus }).Kernel;

    /// <summary>/proc/slabinfo of a freshly booted two-CPU 64 MiB PC.</summary>
    public static string SlabinfoAfterBoot() => Boot().Slab.ReadSlabinfo();

    /// <summary>
    /// The geometry kmem_cache_create chose for every general cache of a 64 MiB PC: object size,
    /// slab order, objects per slab, bytes left over, colours, and where the management lives.
    /// </summary>
    public static string GeneralCacheGeometry()
    {
        Kernel k = Boot();
        var sb = new StringBuilder();
        sb.AppendLine("| cache | objsize | order | objects/slab | management | left over | colours |");
        sb.AppendLine("|-------|--------:|------:|-------------:|------------|----------:|--------:|");
        // cache_cache and the size-N caches: not the DMA twins, nor the caches made later by others.
        foreach (KmemCache c in k.Slab.Caches()
                     .Where(c => c == k.Slab.CacheCache || c.Name.StartsWith("size-", StringComparison.Ordinal) && !c.Name.EndsWith("(DMA)", StringComparison.Ordinal))
                     .Reverse().OrderBy(c => c == k.Slab.CacheCache ? 0 : 1))
        {
            uint slab = PageConstants.PageSize << (int)c.Gfporder;
            uint mgmt = Slab.OffSlab(c) ? 0 : L1Align(c.Num * 4 + 24);
            uint left = slab - c.Num * c.Objsize - mgmt;
            string where = Slab.OffSlab(c) ? $"off-slab ({c.SlabpCache!.Name})" : $"on-slab, {mgmt} bytes";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.Objsize} | {c.Gfporder} | {c.Num} | {where} | {left} | {c.Colour} |"));
        }
        return sb.ToString();
    }

    private static uint L1Align(uint x) => (x + 31) & ~31u;

    /// <summary>
    /// The first three slabs of a cache of 128-byte cache-aligned objects, byte by byte: the colour
    /// gap, the slab_t and its bufctls, the objects, and the unused tail, showing how each new
    /// slab shifts its objects by one cache line.
    /// </summary>
    public static string OnSlabLayout()
    {
        Kernel k = Boot();
        KmemCache c = k.Slab.KmemCacheCreate("example", 128, 0, SlabFlags.HwcacheAlign, null, null)!;
        // Objects straight from the slabs, so that each slab is made in turn.
        k.Slab.SlabinfoWrite("example 0 0");
        for (int i = 0; i < 3 * c.Num; i++)
            k.Slab.KmemCacheAlloc(c, SlabFlags.Kernel);
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"cache \"example\": objsize {c.Objsize}, num {c.Num}, colour {c.Colour} x colour_off {c.ColourOff}, on-slab"));
        int n = 1;
        foreach (SlabT s in Slab.AllSlabs(c).OrderBy(s => s.Colouroff))
            sb.Append(DescribeSlab(c, s, n++));
        return sb.ToString();
    }

    /// <summary>One slab of the off-slab cache size-1024 and where its descriptor went.</summary>
    public static string OffSlabLayout()
    {
        Kernel k = Boot();
        KmemCache c = k.Slab.FindCache("size-1024")!;
        uint objp = k.Slab.Kmalloc(1000, Gfp.Kernel);
        SlabT s = k.Slab.GetPageSlab(k.VirtToPage(objp))!;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"cache \"size-1024\": objsize {c.Objsize}, num {c.Num}, colour {c.Colour}, off-slab in {c.SlabpCache!.Name}"));
        sb.Append(DescribeSlab(c, s, 1));
        return sb.ToString();
    }

    private static string DescribeSlab(KmemCache c, SlabT s, int n)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        uint start = s.SMem - s.Colouroff;
        uint end = start + (PageConstants.PageSize << (int)c.Gfporder);
        uint objEnd = s.SMem + c.Num * c.Objsize;
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"slab {n} at {start:x8}, colouroff {s.Colouroff}"));
        if (Slab.OffSlab(c))
        {
            Row(sb, start, start, s.SMem, "colour");
            sb.AppendLine(string.Create(inv, $"  (slab_t + {c.Num} bufctls live at {s.Address:x8}, an object of {c.SlabpCache!.Name})"));
        }
        else
        {
            Row(sb, start, start, s.Address, "colour");
            Row(sb, start, s.Address, s.Address + 24, "slab_t");
            Row(sb, start, s.Address + 24, s.Address + 24 + 4 * c.Num, $"kmem_bufctl_t[{c.Num}]");
            Row(sb, start, s.Address + 24 + 4 * c.Num, s.SMem, "padding to a cache line");
        }
        Row(sb, start, s.SMem, s.SMem + c.Objsize, "object 0");
        Row(sb, start, s.SMem + c.Objsize, objEnd - c.Objsize, $"objects 1 .. {c.Num - 2}");
        Row(sb, start, objEnd - c.Objsize, objEnd, $"object {c.Num - 1}");
        Row(sb, start, objEnd, end, "unused");
        return sb.ToString();
    }

    // One range of the slab, as offsets from the start of its pages.
    private static void Row(StringBuilder sb, uint start, uint from, uint to, string what)
    {
        if (to <= from)
            return;
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"  +{from - start,5} .. +{to - start,5}  {to - from,5} bytes  {what}"));
    }
}
