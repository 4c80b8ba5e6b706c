using System.Reflection;
using LinuxVm.Mm;

namespace LinuxVm.Exercises;

/// <summary>Chapter 0: finding the C# for a kernel name, and the machine the port models.</summary>
public class Chapter00GettingStarted
{
    /// <summary>
    /// Which C# method ports <c>__alloc_pages</c>? Two kernel names, <c>alloc_pages</c> and
    /// <c>__alloc_pages</c>, would both become <c>AllocPages</c>; the one with more leading
    /// underscores takes the <c>Core</c> suffix, so the answer is <c>PageAlloc.AllocPagesCore</c>,
    /// the overload that takes a zonelist.
    /// </summary>
    [Fact]
    [Chapter(0)]
    public void AllocPagesCore_Ports_DoubleUnderscoreAllocPages()
    {
        var ported = typeof(PageAlloc).GetMethods()
            .Where(m => m.GetCustomAttributes<LinuxAttribute>().Any(a => a.Name == "__alloc_pages"))
            .Select(m => m.Name)
            .ToList();
        Assert.Equal(["AllocPagesCore"], ported);
    }

    /// <summary>
    /// Which C# file holds <c>rmqueue</c>? Each kernel file is one C# class named after it, so
    /// <c>mm/page_alloc.c</c> is the class <c>PageAlloc</c>, and its attribute names the file.
    /// </summary>
    [Fact]
    [Chapter(0)]
    public void Rmqueue_LivesInPageAlloc_AndNamesItsKernelFile()
    {
        var method = typeof(PageAlloc).GetMethod("Rmqueue", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance)!;
        var attribute = method.GetCustomAttribute<LinuxAttribute>()!;
        Assert.Equal(("mm/page_alloc.c", "rmqueue"), (attribute.File, attribute.Name));
    }

    /// <summary>
    /// How much low memory can the modelled kernel map, and why? The kernel's gigabyte starts at
    /// PAGE_OFFSET (0xC0000000) and 128 MiB of it is kept for vmalloc, kmap and the fixmap, so
    /// the direct map ends at 4 GiB - 3 GiB - 128 MiB = 896 MiB (MAXMEM). The rest of the table:
    /// a Pentium III with PSE, PGE and PAE, a 32-byte cache line, HZ 100, up to 32 CPUs.
    /// </summary>
    [Fact]
    [Chapter(0)]
    public void TheModelledMachine_MapsAtMost896MiBOfLowMemory()
    {
        var arch = new LinuxVm.Arch.X86.I386();
        Assert.Equal(0xC0000000u, arch.PageOffset);
        Assert.Equal(128u << 20, arch.VmallocReserve);
        Assert.Equal(896u << 20, arch.Maxmem);
        Assert.True(arch.CpuHasPse && arch.CpuHasPge && arch.CpuHasPae);
        Assert.Equal(32, arch.L1CacheBytes);
        Assert.Equal(100, LinuxVm.Mm.KernelModel.Sched.Hz);
        Assert.Equal(32, arch.NrCpusMax);
    }
}
