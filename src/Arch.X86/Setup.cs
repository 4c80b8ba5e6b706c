using System.Globalization;
using LinuxVm.Mm;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The memory half of arch/i386/kernel/setup.c: taking the BIOS memory map, deciding how much RAM
/// is low (directly mapped) and how much is high, and starting the boot-memory allocator with the
/// low RAM minus the kernel image, its own bitmap, page 0 and the SMP trampoline page.
/// </summary>
/// <remarks>
/// Port note: the rest of setup.c (CPU identification, the command line, ROM probing, the I/O
/// resource tree, DMI) does not touch mm/ and is not ported. sanitize_e820_map is not ported
/// either: the simulated BIOS (<see cref="Bios"/>) reports sorted ranges that never overlap, which
/// that function would hand back unchanged.
/// </remarks>
public sealed class Setup
{
    private readonly I386 _arch;

    /// <summary>Creates setup.c's state for the kernel on <paramref name="arch"/>.</summary>
    /// <param name="arch">The architecture.</param>
    public Setup(I386 arch) => _arch = arch;

    private Kernel K => _arch.Kernel;

    /// <summary>The kernel's memory map (<c>e820</c>).</summary>
    [Linux("arch/i386/kernel/setup.c", "e820")]
    public E820 E820 { get; } = new();

    /// <summary>Pages the "highmem=" option asked for, or -1 when it was not given (never, here).</summary>
    [Linux("arch/i386/kernel/setup.c", "highmem_pages")]
    public int HighmemPages { get; private set; } = -1;

    /// <summary>Lowest address the PCI code may give to devices.</summary>
    [Linux("arch/i386/kernel/setup.c", "pci_mem_start")]
    public ulong PciMemStart { get; private set; } = 0x10000000;

    /// <summary>Conventional memory size assumed when the BIOS has no E820 map.</summary>
    [Linux("arch/i386/kernel/setup.c", "LOWMEMSIZE")]
    public const ulong LowMemSize = 0x9f000;

    /// <summary>Frames the direct map can cover (<c>MAXMEM_PFN</c>, 896 MiB / 4 KiB = 229376).</summary>
    [Linux("arch/i386/kernel/setup.c", "MAXMEM_PFN")]
    public uint MaxmemPfn => PfnDown(_arch.Maxmem);

    /// <summary>Frames a 2-level page table can reach (<c>MAX_NONPAE_PFN</c>, 4 GiB).</summary>
    [Linux("arch/i386/kernel/setup.c", "MAX_NONPAE_PFN")]
    public const uint MaxNonpaePfn = 1 << 20;

    /// <summary>Frame number of the first whole page at or above <paramref name="x"/>.</summary>
    /// <param name="x">A physical address.</param>
    [Linux("arch/i386/kernel/setup.c", "PFN_UP")]
    public static uint PfnUp(ulong x) => (uint)((x + PageSize - 1) >> PageShift);

    /// <summary>Frame number of the page holding <paramref name="x"/>.</summary>
    /// <param name="x">A physical address.</param>
    [Linux("arch/i386/kernel/setup.c", "PFN_DOWN")]
    public static uint PfnDown(ulong x) => (uint)(x >> PageShift);

    /// <summary>Physical address of frame <paramref name="x"/>.</summary>
    /// <param name="x">A frame number.</param>
    [Linux("arch/i386/kernel/setup.c", "PFN_PHYS")]
    public static ulong PfnPhys(uint x) => (ulong)x << PageShift;

    private static string Mb(uint pages) => (pages >> (20 - PageShift)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Appends a range to the map.</summary>
    /// <param name="start">Physical start.</param>
    /// <param name="size">Bytes.</param>
    /// <param name="type">Range type.</param>
    [Linux("arch/i386/kernel/setup.c", "add_memory_region")]
    public void AddMemoryRegion(ulong start, ulong size, uint type)
    {
        int x = E820.NrMap;
        if (x == E820.E820Max)
        {
            K.Printk("Ooops! Too many entries in the memory map!");
            return;
        }
        E820.Map[x] = new E820Entry(start, size, type);
        E820.NrMap++;
    }

    /// <summary>Logs the map, one range per line, tagged with where it came from.</summary>
    /// <param name="who">"BIOS-e820", "BIOS-88" or "BIOS-e801".</param>
    [Linux("arch/i386/kernel/setup.c", "print_memory_map")]
    public void PrintMemoryMap(string who)
    {
        foreach (E820Entry e in E820.Entries)
            K.Printk(string.Create(CultureInfo.InvariantCulture, $" {who}: {e.Addr:x16} - {e.End:x16} ({e.TypeName})"));
    }

    /// <summary>
    /// Copies the BIOS's ranges into <see cref="E820"/>, cutting any RAM the BIOS claims between
    /// 640 KiB and 1 MiB (that is the VGA window and ROMs on every PC). Returns -1 when the BIOS
    /// map is unusable (fewer than two ranges, or a range that wraps).
    /// </summary>
    /// <param name="biosmap">The ranges from the BIOS.</param>
    [Linux("arch/i386/kernel/setup.c", "copy_e820_map")]
    public int CopyE820Map(IReadOnlyList<E820Entry> biosmap)
    {
        if (biosmap.Count < 2)
            return -1;
        foreach (E820Entry b in biosmap)
        {
            ulong start = b.Addr, size = b.Size, end = start + size;
            uint type = b.Type;
            if (start > end)
                return -1;
            if (type == E820.Ram && start < 0x100000UL && end > 0xA0000UL)
            {
                if (start < 0xA0000UL)
                    AddMemoryRegion(start, 0xA0000UL - start, type);
                if (end <= 0x100000UL)
                    continue;
                start = 0x100000UL;
                size = end - start;
            }
            AddMemoryRegion(start, size, type);
        }
        return 0;
    }

    /// <summary>Takes the BIOS map (or, without one, a two-range guess) and logs it.</summary>
    /// <param name="biosmap">What INT 15h E820 returned.</param>
    /// <param name="extMemK">KiB above 1 MiB from the older BIOS calls, used only without an E820 map.</param>
    [Linux("arch/i386/kernel/setup.c", "setup_memory_region")]
    public void SetupMemoryRegion(IReadOnlyList<E820Entry> biosmap, ulong extMemK)
    {
        string who = "BIOS-e820";
        // Port note: sanitize_e820_map is skipped (see the class remarks).
        if (CopyE820Map(biosmap) < 0)
        {
            who = "BIOS-e801";
            E820.NrMap = 0;
            AddMemoryRegion(0, LowMemSize, E820.Ram);
            AddMemoryRegion(E820.HighMemory, extMemK << 10, E820.Ram);
        }
        K.Printk("BIOS-provided physical RAM map:");
        PrintMemoryMap(who);
    }

    /// <summary>Sets max_pfn to the end of the highest whole page of RAM in the map.</summary>
    [Linux("arch/i386/kernel/setup.c", "find_max_pfn")]
    public void FindMaxPfn()
    {
        uint maxPfn = 0;
        foreach (E820Entry e in E820.Entries)
        {
            if (e.Type != E820.Ram)
                continue;
            uint start = PfnUp(e.Addr);
            ulong endFull = e.End >> PageShift;
            uint end = (uint)Math.Min(endFull, uint.MaxValue);
            if (start >= end)
                continue;
            if (end > maxPfn)
                maxPfn = end;
        }
        K.Bootmem.MaxPfn = maxPfn;
    }

    /// <summary>
    /// Decides where low memory ends: at max_pfn if it all fits under the 896 MiB direct map,
    /// else at 896 MiB with the rest high memory. A 2-level kernel also cuts max_pfn to 4 GiB.
    /// </summary>
    [Linux("arch/i386/kernel/setup.c", "find_max_low_pfn")]
    public uint FindMaxLowPfn()
    {
        // Port note: a test machine with a zone layout chosen by hand (MachineConfig.Zones, which
        // no PC has) ends low memory where its ZONE_NORMAL ends; its RAM lies below 3.5 GiB.
        if (_arch.ShapedZones is { } shaped)
            return shaped.LowPages;
        Bootmem b = K.Bootmem;
        uint maxLowPfn = b.MaxPfn;
        if (maxLowPfn > MaxmemPfn)
        {
            if (HighmemPages == -1)
                HighmemPages = (int)(b.MaxPfn - MaxmemPfn);
            if (HighmemPages + MaxmemPfn < b.MaxPfn)
                b.MaxPfn = MaxmemPfn + (uint)HighmemPages;
            if (HighmemPages + MaxmemPfn > b.MaxPfn)
            {
                K.Printk($"only {Mb(b.MaxPfn - MaxmemPfn)}MB highmem pages available, ignoring highmem size of {Mb((uint)HighmemPages)}MB.");
                HighmemPages = 0;
            }
            maxLowPfn = MaxmemPfn;
            // CONFIG_HIGHMEM is set in both builds simulated here.
            if (!_arch.Pae && b.MaxPfn > MaxNonpaePfn)
            {
                b.MaxPfn = MaxNonpaePfn;
                K.Printk("Warning only 4GB will be used.");
                K.Printk("Use a PAE enabled kernel.");
            }
        }
        else
        {
            if (HighmemPages == -1)
                HighmemPages = 0;
            if (HighmemPages >= b.MaxPfn)
            {
                K.Printk($"highmem size specified ({Mb((uint)HighmemPages)}MB) is bigger than pages available ({Mb(b.MaxPfn)}MB)!.");
                HighmemPages = 0;
            }
            if (HighmemPages != 0)
            {
                if (maxLowPfn - HighmemPages < 64 * 1024 * 1024 / PageSize)
                {
                    K.Printk($"highmem size {Mb((uint)HighmemPages)}MB results in smaller than 64MB lowmem, ignoring it.");
                    HighmemPages = 0;
                }
                maxLowPfn -= (uint)HighmemPages;
            }
        }
        return maxLowPfn;
    }

    /// <summary>Hands every whole page of RAM below <paramref name="maxLowPfn"/> to bootmem as free.</summary>
    /// <param name="maxLowPfn">End of low memory.</param>
    [Linux("arch/i386/kernel/setup.c", "register_bootmem_low_pages")]
    public void RegisterBootmemLowPages(uint maxLowPfn)
    {
        foreach (E820Entry e in E820.Entries)
        {
            if (e.Type != E820.Ram)
                continue;
            // Round the start up and the end down: a partial page is not usable.
            uint currPfn = PfnUp(e.Addr);
            if (currPfn >= maxLowPfn)
                continue;
            ulong lastFull = e.End >> PageShift;
            uint lastPfn = lastFull > maxLowPfn ? maxLowPfn : (uint)lastFull;
            if (lastPfn <= currPfn)
                continue;
            uint size = lastPfn - currPfn;
            K.Bootmem.FreeBootmem(PfnPhys(currPfn), PfnPhys(size));
        }
    }

    /// <summary>
    /// Sizes low and high memory, starts bootmem with its bitmap right after the kernel image,
    /// frees the low RAM into it and reserves what is in use. Returns max_low_pfn.
    /// </summary>
    [Linux("arch/i386/kernel/setup.c", "setup_memory")]
    public uint SetupMemory()
    {
        Init init = _arch.Init;
        // A page the image only partly fills is not free: round the end of the image up.
        uint startPfn = PfnUp(K.Pa(KernelImage.End));

        FindMaxPfn();
        uint maxLowPfn = FindMaxLowPfn();

        init.HighstartPfn = init.HighendPfn = K.Bootmem.MaxPfn;
        if (K.Bootmem.MaxPfn > maxLowPfn)
            init.HighstartPfn = maxLowPfn;
        K.Printk($"{Mb(init.HighendPfn - init.HighstartPfn)}MB HIGHMEM available.");
        K.Printk($"{Mb(maxLowPfn)}MB LOWMEM available.");

        // #region bootmem
        uint bootmapSize = K.Bootmem.InitBootmem(startPfn, maxLowPfn);
        RegisterBootmemLowPages(maxLowPfn);

        // The image and the bitmap that follows it, from 1 MiB up.
        K.Bootmem.ReserveBootmem(E820.HighMemory, PfnPhys(startPfn) + bootmapSize + PageSize - 1 - E820.HighMemory);
        // Page 0 belongs to the BIOS.
        K.Bootmem.ReserveBootmem(0, PageSize);
        // CONFIG_SMP: page 1 is kept for the application processors' startup.
        K.Bootmem.ReserveBootmem(PageSize, PageSize);
        // #endregion

        // Port note: find_smp_config would reserve the BIOS's MP table; the simulated BIOS has
        // none (the CPU count comes from the machine's configuration). There is no initrd.
        return maxLowPfn;
    }

    /// <summary>
    /// The memory-related steps of setup_arch, in order: the memory map, init_mm's code and data
    /// bounds, setup_memory, the trampoline page, paging_init, and the PCI window.
    /// </summary>
    /// <param name="biosmap">The BIOS memory map.</param>
    /// <param name="stopAfterSetupMemory">Return right after setup_memory, with bootmem live and nothing allocated from it (<see cref="BootStage.SetupMemory"/>).</param>
    [Linux("arch/i386/kernel/setup.c", "setup_arch")]
    public void SetupArch(IReadOnlyList<E820Entry> biosmap, bool stopAfterSetupMemory = false)
    {
        SetupMemoryRegion(biosmap, 0);
        MmStruct initMm = K.InitMm;
        initMm.StartCode = KernelImage.Text;
        initMm.EndCode = KernelImage.Etext;
        initMm.EndData = KernelImage.Edata;
        initMm.Brk = KernelImage.End;

        uint maxLowPfn = SetupMemory();
        // Port note: a test machine may stop here (MachineConfig.StopAfter) to show bootmem untouched.
        if (stopAfterSetupMemory)
            return;
        // Nothing may allocate from bootmem before this point.
        _arch.Smpboot.SmpAllocMemory();
        _arch.Init.PagingInit();
        RegisterMemory(maxLowPfn);
    }

    /// <summary>The part of register_memory that matters to mm/: PCI devices get addresses above low memory.</summary>
    /// <param name="maxLowPfn">End of low memory.</param>
    /// <remarks>Port note: the iomem/ioport resource tree is not modelled.</remarks>
    [Linux("arch/i386/kernel/setup.c", "register_memory")]
    public void RegisterMemory(uint maxLowPfn)
    {
        ulong lowMemSize = (((ulong)maxLowPfn << PageShift) + 0xfffff) & ~0xfffffUL;
        if (lowMemSize > PciMemStart)
            PciMemStart = lowMemSize;
    }

    /// <summary>True on a Pentium Pro with the RAM erratum: then init.c keeps pages 0x70000-0x7003F out of use. The simulated Pentium III is not one.</summary>
    [Linux("arch/i386/kernel/setup.c", "ppro_with_ram_bug")]
    public static int PproWithRamBug()
    {
        // The check wants GenuineIntel, family 6, model 1 (Pentium Pro), stepping below 8.
        const int family = 6, model = 7;
        return family == 6 && model == 1 ? 1 : 0;
    }
}
