using LinuxVm.Arch.X86;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Mm.Tests.Machines;

/// <summary>
/// A test-only stand-in for the i386 boot (the real one is LinuxVm.Arch.X86.Machine.Boot), used
/// where a test wants zones of sizes no PC has. It runs the same sequence (arch/i386/kernel/setup.c setup_memory,
/// arch/i386/mm/init.c zone_sizes_init and mem_init) on a PC with the classic memory map: RAM
/// below 639 KiB, the ISA hole up to 1 MiB, RAM from 1 MiB up. Page tables are not built.
/// </summary>
public sealed class FlatPc
{
    /// <summary>Direct-map limit of i386: 896 MiB.</summary>
    public const uint MaxMemPfn = (896u << 20) >> PageShift;

    /// <summary>First frame above ISA DMA: 16 MiB.</summary>
    public const uint MaxDmaPfn = (16u << 20) >> PageShift;

    /// <summary>End of the kernel image (_end), 3 MiB: the kernel is loaded at 1 MiB.</summary>
    public const uint DefaultKernelEnd = 0x300000;

    private FlatPc(Kernel kernel) => Kernel = kernel;

    /// <summary>The booted kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>Pages given to the buddy allocator (totalram_pages).</summary>
    public uint TotalRamPages { get; private set; }

    /// <summary>High-memory pages given to the buddy allocator (totalhigh_pages).</summary>
    public uint TotalHighPages { get; private set; }

    /// <summary>Bytes of the bootmem bitmap (what init_bootmem returned).</summary>
    public uint BootmapSize { get; private set; }

    /// <summary>Boots a PC with <paramref name="megabytes"/> MiB of RAM through the i386 sequence.</summary>
    /// <param name="megabytes">Installed RAM.</param>
    /// <param name="kernelEnd">Physical end of the kernel image.</param>
    /// <param name="cpus">CPUs online (smp_num_cpus).</param>
    /// <param name="beforeFreeAll">Runs after free_area_init and before free_all_bootmem (boot-time allocations).</param>
    public static FlatPc Boot(uint megabytes, uint kernelEnd = DefaultKernelEnd, int cpus = 1, Action<Kernel>? beforeFreeAll = null)
    {
        uint maxPfn = (megabytes << 20) >> PageShift;
        uint maxLow = Math.Min(maxPfn, MaxMemPfn);
        uint dma = Math.Min(maxLow, MaxDmaPfn);
        return Boot(maxPfn, [dma, maxLow - dma, maxPfn - maxLow], kernelEnd, beforeFreeAll, cpus);
    }

    /// <summary>
    /// Boots with explicit zone sizes (DMA, Normal, HighMem in pages), for tests that want small
    /// zones of every kind. Low memory is DMA + Normal; the rest is high memory.
    /// </summary>
    /// <param name="maxPfn">Frames of RAM.</param>
    /// <param name="zones">Pages per zone; they must add up to <paramref name="maxPfn"/>.</param>
    /// <param name="kernelEnd">Physical end of the kernel image.</param>
    /// <param name="beforeFreeAll">Runs after free_area_init and before free_all_bootmem (boot-time allocations).</param>
    /// <param name="cpus">CPUs online (smp_num_cpus).</param>
    public static FlatPc Boot(uint maxPfn, uint[] zones, uint kernelEnd = DefaultKernelEnd, Action<Kernel>? beforeFreeAll = null, int cpus = 1)
    {
        if (zones.Length != 3 || zones[0] + zones[1] + zones[2] != maxPfn)
            throw new ArgumentException("zones must be 3 sizes adding up to maxPfn", nameof(zones));
        uint maxLow = zones[0] + zones[1];
        FlatPc pc = SetupMemory(maxPfn, maxLow, kernelEnd, cpus);
        Kernel k = pc.Kernel;

        // paging_init -> zone_sizes_init
        k.PageAlloc.FreeAreaInit(zones);
        beforeFreeAll?.Invoke(k);

        // mem_init
        k.Memory.MaxMapnr = maxPfn;
        k.Memory.NumPhyspages = maxPfn;
        k.Memory.HighMemory = k.Va((ulong)maxLow << PageShift);
        pc.TotalRamPages = k.Bootmem.FreeAllBootmem();
        for (long pfn = (long)maxPfn - 1; pfn >= maxLow; pfn--)      // one_highpage_init, top down
        {
            Page page = k.Memory.MemMap[pfn];
            PageFlags.ClearPageReserved(page);
            PageFlags.Set(page, PageFlags.HighMem);
            PageFlags.SetPageCount(page, 1);
            k.PageAlloc.FreePage(page);
            pc.TotalHighPages++;
        }
        pc.TotalRamPages += pc.TotalHighPages;
        // mem_init's counters, which si_meminfo (and so /proc/meminfo) reads.
        var init = ((I386)k.Arch).Init;
        init.TotalramPages = pc.TotalRamPages;
        init.TotalhighPages = pc.TotalHighPages;
        return pc;
    }

    /// <summary>
    /// Runs only setup_memory for a PC with <paramref name="megabytes"/> MiB: bootmem is live and
    /// nothing has been allocated from it yet (for boot-allocator exercises).
    /// </summary>
    /// <param name="megabytes">Installed RAM.</param>
    /// <param name="kernelEnd">Physical end of the kernel image.</param>
    public static FlatPc SetupMemoryOnly(uint megabytes, uint kernelEnd = DefaultKernelEnd)
    {
        uint maxPfn = (megabytes << 20) >> PageShift;
        return SetupMemory(maxPfn, Math.Min(maxPfn, MaxMemPfn), kernelEnd);
    }

    // arch/i386/kernel/setup.c setup_memory: bootmem over low memory, RAM freed, kernel reserved.
    private static FlatPc SetupMemory(uint maxPfn, uint maxLow, uint kernelEnd, int cpus = 1)
    {
        var k = new Kernel(new PhysicalMemory(maxPfn), new I386(), cpus);
        var pc = new FlatPc(k);
        uint startPfn = (kernelEnd + PageSize - 1) >> PageShift;     // PFN_UP(__pa(&_end))
        k.Bootmem.MaxPfn = maxPfn;
        pc.BootmapSize = k.Bootmem.InitBootmem(startPfn, maxLow);
        // register_bootmem_low_pages: the e820 RAM ranges, rounded inwards.
        FreeRange(k, 0, 0x9FC00, maxLow);
        FreeRange(k, 0x100000, (ulong)maxPfn << PageShift, maxLow);
        // The kernel image and the bitmap after it, then page 0 (BIOS) and page 1 (SMP trampoline).
        const ulong highMemory = 0x100000;
        k.Bootmem.ReserveBootmem(highMemory, ((ulong)startPfn << PageShift) + pc.BootmapSize + PageSize - 1 - highMemory);
        k.Bootmem.ReserveBootmem(0, PageSize);
        k.Bootmem.ReserveBootmem(PageSize, PageSize);
        return pc;
    }

    private static void FreeRange(Kernel k, ulong start, ulong end, uint maxLow)
    {
        ulong curr = (start + PageSize - 1) >> PageShift;
        if (curr >= maxLow)
            return;
        ulong last = Math.Min(end >> PageShift, maxLow);
        if (last <= curr)
            return;
        k.Bootmem.FreeBootmem(curr << PageShift, (last - curr) << PageShift);
    }
}
