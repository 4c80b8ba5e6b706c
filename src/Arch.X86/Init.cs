using System.Globalization;
using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using static LinuxVm.Mm.Include.PageConstants;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The port of arch/i386/mm/init.c: building the kernel page tables (the direct map of low
/// memory, and the page tables behind the fixmap and pkmap windows), sizing the zones, and at the
/// end of boot handing every free page to the buddy allocator.
/// </summary>
public sealed class Init
{
    private readonly I386 _arch;

    /// <summary>Creates init.c's state for the kernel on <paramref name="arch"/>.</summary>
    /// <param name="arch">The architecture.</param>
    public Init(I386 arch) => _arch = arch;

    private Kernel K => _arch.Kernel;
    private Setup Setup => _arch.Setup;

    /// <summary>First frame of high memory (equal to <see cref="HighendPfn"/> when there is none).</summary>
    [Linux("arch/i386/mm/init.c", "highstart_pfn")]
    public uint HighstartPfn { get; set; }

    /// <summary>Frame just past the last high-memory frame.</summary>
    [Linux("arch/i386/mm/init.c", "highend_pfn")]
    public uint HighendPfn { get; set; }

    /// <summary>Pages handed to the buddy allocator (low and high).</summary>
    [Linux("arch/i386/mm/init.c", "totalram_pages")]
    public uint TotalramPages { get; set; }

    /// <summary>High-memory pages handed to the buddy allocator.</summary>
    [Linux("arch/i386/mm/init.c", "totalhigh_pages")]
    public uint TotalhighPages { get; set; }

    /// <summary>Reserved RAM pages below max_low_pfn counted by mem_init (kernel image, bootmem allocations, BIOS pages).</summary>
    public int ReservedPages { get; private set; }

    // #region kmap_init
    /// <summary>The pte of a fixmap address, found through swapper_pg_dir (<c>kmap_get_fixmap_pte</c>).</summary>
    /// <param name="vaddr">A fixmap address.</param>
    [Linux("arch/i386/mm/init.c", "kmap_get_fixmap_pte")]
    public PtePtr KmapGetFixmapPte(uint vaddr) =>
        _arch.PteOffset(_arch.PmdOffset(_arch.PgdOffsetK(vaddr), vaddr), vaddr);

    /// <summary>Remembers the pte of the first atomic-kmap slot and the protection kmaps use.</summary>
    [Linux("arch/i386/mm/init.c", "kmap_init")]
    public void KmapInit()
    {
        uint kmapVstart = Fixmap.FixToVirtCore(Fixmap.FixKmapBegin);
        _arch.KmapPte = KmapGetFixmapPte(kmapVstart);
        _arch.KmapProt = Pgprot.PageKernel;
    }
    // #endregion

    /// <summary>Logs the memory summary that Shift+ScrollLock and SysRq-M print; returns the lines.</summary>
    [Linux("arch/i386/mm/init.c", "show_mem")]
    public IReadOnlyList<string> ShowMem()
    {
        var lines = new List<string> { "Mem-info:" };
        lines.AddRange(K.PageAlloc.ShowFreeAreas().TrimEnd('\n').Split('\n'));
        lines.Add($"Free swap:       {K.PageAlloc.NrSwapPages << (PageShift - 10),6}kB");
        int total = 0, reserved = 0, shared = 0, cached = 0, highmem = 0;
        for (int i = (int)K.Memory.MaxMapnr - 1; i >= 0; i--)
        {
            Page p = K.Memory.MemMap[i];
            total++;
            if (PageFlags.PageHighMem(p))
                highmem++;
            if (PageFlags.PageReserved(p))
                reserved++;
            // Port note: PageSwapCache needs the swap cache (not ported yet): no page counts as cached.
            else if (PageFlags.PageCount(p) != 0)
                shared += PageFlags.PageCount(p) - 1;
        }
        lines.Add($"{total} pages of RAM");
        lines.Add($"{highmem} pages of HIGHMEM");
        lines.Add($"{reserved} reserved pages");
        lines.Add($"{shared} pages shared");
        lines.Add($"{cached} pages swap cached");
        lines.Add($"{_arch.PgtableCacheSize} pages in page table cache");
        // Port note: show_buffers (fs/buffer.c) is not modelled.
        foreach (string l in lines)
            K.Printk(l);
        return lines;
    }

    /// <summary>Points the kernel pte for <paramref name="vaddr"/> at <paramref name="phys"/> and flushes that one TLB entry.</summary>
    /// <param name="vaddr">A kernel virtual address whose page table exists.</param>
    /// <param name="phys">Physical address to map.</param>
    /// <param name="flags">Protection.</param>
    [Linux("arch/i386/mm/init.c", "set_pte_phys")]
    private void SetPtePhys(uint vaddr, ulong phys, Pgprot flags)
    {
        PgdPtr pgd = new PgdPtr(KernelImage.SwapperPgDir, _arch.Layout.EntryBytes) + _arch.PgdIndex(vaddr);
        if (_arch.ReadPgd(pgd).None)
        {
            K.Printk("PAE BUG #00!");
            return;
        }
        PmdPtr pmd = _arch.PmdOffset(pgd, vaddr);
        if (_arch.ReadPmd(pmd).None)
        {
            K.Printk("PAE BUG #01!");
            return;
        }
        PtePtr pte = _arch.PteOffset(pmd, vaddr);
        // Stored exactly as given, so that a zero protection can clear a slot.
        _arch.SetPte(pte, Pte.MkPtePhys(phys, flags));
        // One invlpg is enough, and it removes global entries too.
        _arch.FlushTlbOne(vaddr);
    }

    /// <summary>Maps fixmap slot <paramref name="idx"/> to physical address <paramref name="phys"/>.</summary>
    /// <param name="idx">A slot of <see cref="Fixmap"/>.</param>
    /// <param name="phys">Physical address.</param>
    /// <param name="flags">Protection.</param>
    [Linux("arch/i386/mm/init.c", "__set_fixmap")]
    public void SetFixmapCore(int idx, ulong phys, Pgprot flags)
    {
        uint address = Fixmap.FixToVirtCore(idx);
        if (idx >= Fixmap.EndOfFixedAddresses)
        {
            K.Printk("Invalid __set_fixmap");
            return;
        }
        SetPtePhys(address, phys, flags);
    }

    /// <summary>
    /// Makes sure page tables exist (empty) for every pmd from <paramref name="start"/> to
    /// <paramref name="end"/> (0 meaning the top of the address space), taking them from bootmem.
    /// The tables come out physically contiguous, which kmap_atomic relies on.
    /// </summary>
    /// <param name="start">First address.</param>
    /// <param name="end">End address, or 0 for 4 GiB.</param>
    /// <param name="pgdBase">The page directory (swapper_pg_dir).</param>
    [Linux("arch/i386/mm/init.c", "fixrange_init")]
    private void FixrangeInit(uint start, uint end, PgdPtr pgdBase)
    {
        uint vaddr = start;
        int i = _arch.PgdIndex(vaddr);
        int j = _arch.PmdIndex(vaddr);
        PgdPtr pgd = pgdBase + i;

        for (; i < _arch.PtrsPerPgd && vaddr != end; pgd++, i++)
        {
            PmdPtr pmd;
            if (_arch.Pae)
            {
                // pgd_none is constant false on i386, so this allocation never happens in 2.4.20.
                if (_arch.ReadPgd(pgd).None)
                {
                    uint newPmd = K.Bootmem.AllocBootmemLowPages(PageSize);
                    _arch.SetPgd(pgd, new Pgd(K.Pa(newPmd) + 0x1));
                    if (newPmd != _arch.PmdOffset(pgd, 0).Address)
                        K.Printk("PAE BUG #02!");
                }
                pmd = _arch.PmdOffset(pgd, vaddr);
            }
            else
                pmd = new PmdPtr(pgd.Address, pgd.Width);
            for (; j < _arch.PtrsPerPmd && vaddr != end; pmd++, j++)
            {
                if (_arch.ReadPmd(pmd).None)
                {
                    uint pte = K.Bootmem.AllocBootmemLowPages(PageSize);
                    _arch.SetPmd(pmd, new Pmd(PageBits.KernpgTable + K.Pa(pte)));
                    KernelPanicException.BugOn(pte != _arch.PteOffset(pmd, 0).Address, "pte != pte_offset(pmd, 0)", "fixrange_init");
                }
                vaddr += _arch.PmdSize;
            }
            j = 0;
        }
    }

    /// <summary>
    /// Builds the kernel page tables in swapper_pg_dir: the direct map of low memory from
    /// PAGE_OFFSET (large pages if the CPU has PSE, else 4 KiB page tables from bootmem), then the
    /// empty page tables of the fixmap and the pkmap window.
    /// </summary>
    [Linux("arch/i386/mm/init.c", "pagetable_init")]
    private void PagetableInit()
    {
        // With max_low_pfn 0 this is 0, and the PTRS_PER_* bounds end the loops instead.
        uint end = K.Va((ulong)K.Bootmem.MaxLowPfn * PageSize);
        uint entry = _arch.Layout.EntryBytes;

        PgdPtr pgdBase = new(KernelImage.SwapperPgDir, entry);
        if (_arch.Pae)
        {
            // Every slot starts out pointing at the zero page: a pmd table full of empty entries.
            for (int n = 0; n < _arch.PtrsPerPgd; n++)
                _arch.SetPgd(pgdBase + n, new Pgd(1 + K.Pa(KernelImage.EmptyZeroPage)));
        }
        int i = _arch.PgdIndex(_arch.PageOffset);
        PgdPtr pgd = pgdBase + i;

        // #region directmap
        for (; i < _arch.PtrsPerPgd; pgd++, i++)
        {
            uint vaddr = (uint)((ulong)i * _arch.PgdirSize);
            if (end != 0 && vaddr >= end)
                break;
            PmdPtr pmd;
            if (_arch.Pae)
            {
                uint newPmd = K.Bootmem.AllocBootmemLowPages(PageSize);
                _arch.SetPgd(pgd, new Pgd(K.Pa(newPmd) + 0x1));
                pmd = new PmdPtr(newPmd, entry);
            }
            else
                pmd = new PmdPtr(pgd.Address, entry);
            KernelPanicException.BugOn(pmd != _arch.PmdOffset(pgd, 0), "pmd != pmd_offset(pgd, 0)", "pagetable_init");
            for (int j = 0; j < _arch.PtrsPerPmd; pmd++, j++)
            {
                vaddr = (uint)((ulong)i * _arch.PgdirSize + (ulong)j * _arch.PmdSize);
                if (end != 0 && vaddr >= end)
                    break;
                if (_arch.CpuHasPse)
                {
                    _arch.SetInCr4(Cpu.Cr4Pse);
                    _arch.Cpus[0].WpWorksOk = 1;   // every PSE-capable CPU honours WP
                    ulong pe = PageBits.KernpgTable + PageBits.Pse + K.Pa(vaddr);
                    // Global too, so the direct map survives every cr3 reload.
                    if (_arch.CpuHasPge)
                    {
                        _arch.SetInCr4(Cpu.Cr4Pge);
                        pe += PageBits.Global;
                    }
                    _arch.SetPmd(pmd, new Pmd(pe));
                    continue;
                }

                uint pteBase = K.Bootmem.AllocBootmemLowPages(PageSize);
                PtePtr pte = new(pteBase, entry);
                for (int k = 0; k < _arch.PtrsPerPte; pte++, k++)
                {
                    vaddr = (uint)((ulong)i * _arch.PgdirSize + (ulong)j * _arch.PmdSize + (ulong)k * PageSize);
                    if (end != 0 && vaddr >= end)
                        break;
                    _arch.SetPte(pte, Pte.MkPtePhys(K.Pa(vaddr), Pgprot.PageKernel));
                }
                _arch.SetPmd(pmd, new Pmd(PageBits.KernpgTable + K.Pa(pteBase)));
                KernelPanicException.BugOn(pteBase != _arch.PteOffset(pmd, 0).Address, "pte_base != pte_offset(pmd, 0)", "pagetable_init");
            }
        }
        // #endregion

        // The fixmap: only the page tables now; set_fixmap fills in slots later.
        uint fixStart = Fixmap.FixToVirtCore(Fixmap.EndOfFixedAddresses - 1) & _arch.PmdMask;
        FixrangeInit(fixStart, 0, pgdBase);

        // CONFIG_HIGHMEM: the permanent kmap window, one page table's worth of slots.
        uint pk = _arch.PkmapBase;
        FixrangeInit(pk, pk + PageSize * (uint)_arch.LastPkmap, pgdBase);
        PgdPtr pkPgd = pgdBase + _arch.PgdIndex(pk);
        PmdPtr pkPmd = _arch.PmdOffset(pkPgd, pk);
        _arch.PkmapPageTable = _arch.PteOffset(pkPmd, pk);

        if (_arch.Pae)
        {
            // Identity-map low memory through slot 0 as well, for the application processors'
            // startup; zap_low_mappings removes it once they run.
            _arch.SetPgd(pgdBase, _arch.ReadPgd(pgdBase + _arch.UserPtrsPerPgd));
        }
    }

    /// <summary>Removes the user-space half of swapper_pg_dir (the boot identity mapping) and flushes every TLB.</summary>
    [Linux("arch/i386/mm/init.c", "zap_low_mappings")]
    public void ZapLowMappings()
    {
        PgdPtr swapper = new(KernelImage.SwapperPgDir, _arch.Layout.EntryBytes);
        // pgd_clear would not do it: it is a no-op on i386.
        for (int i = 0; i < _arch.UserPtrsPerPgd; i++)
        {
            if (_arch.Pae)
                _arch.SetPgd(swapper + i, new Pgd(1 + K.Pa(KernelImage.EmptyZeroPage)));
            else
                _arch.SetPgd(swapper + i, new Pgd(0));
        }
        _arch.FlushTlbAll();
    }

    /// <summary>ZONE_DMA is everything below 16 MiB, ZONE_NORMAL the rest of low memory, ZONE_HIGHMEM the rest.</summary>
    [Linux("arch/i386/mm/init.c", "zone_sizes_init")]
    private void ZoneSizesInit()
    {
        // Port note: a test machine may bring its own layout (MachineConfig.Zones), one no PC has.
        if (_arch.ShapedZones is { } shaped)
        {
            K.PageAlloc.FreeAreaInit([shaped.Dma, shaped.Normal, shaped.HighMem]);
            return;
        }
        uint[] zonesSize = [0, 0, 0];
        uint maxDma = (uint)(K.Pa(_arch.MaxDmaAddress) >> PageShift);
        uint low = K.Bootmem.MaxLowPfn;
        uint high = HighendPfn;

        if (low < maxDma)
            zonesSize[MmZone.ZoneDma] = low;
        else
        {
            zonesSize[MmZone.ZoneDma] = maxDma;
            zonesSize[MmZone.ZoneNormal] = low - maxDma;
            zonesSize[MmZone.ZoneHighMem] = high - low;
        }
        K.PageAlloc.FreeAreaInit(zonesSize);
    }

    /// <summary>
    /// Builds the kernel page tables, switches the CPU to them (and to PAE mode in a PAE kernel),
    /// sets up kmap, and sizes the zones (which builds mem_map).
    /// </summary>
    [Linux("arch/i386/mm/init.c", "paging_init")]
    public void PagingInit()
    {
        PagetableInit();
        _arch.LoadCr3(KernelImage.SwapperPgDir);
        // The CPU leaves 2-level mode only now, once the PAE tables are complete.
        if (_arch.Pae && _arch.CpuHasPae)
            _arch.SetInCr4(Cpu.Cr4Pae);
        _arch.FlushTlbAllCore();
        KmapInit();
        ZoneSizesInit();
    }

    /// <summary>
    /// Checks whether the CPU faults on a supervisor-mode write to a read-only page: maps
    /// PAGE_OFFSET read-only for a moment and tries a write through the MMU.
    /// </summary>
    [Linux("arch/i386/mm/init.c", "test_wp_bit")]
    public void TestWpBit()
    {
        uint vaddr = _arch.PageOffset;
        K.Printk("Checking if this processor honours the WP bit even in supervisor mode... ");
        PgdPtr pgd = new PgdPtr(KernelImage.SwapperPgDir, _arch.Layout.EntryBytes) + _arch.PgdIndex(vaddr);
        PmdPtr pmd = _arch.PmdOffset(pgd, vaddr);
        PtePtr pte = _arch.PteOffset(pmd, vaddr);
        Pte oldPte = _arch.ReadPte(pte);
        _arch.SetPte(pte, Pte.MkPtePhys(0, Pgprot.PageReadonly));
        _arch.LocalFlushTlb();

        _arch.Cpus[0].WpWorksOk = DoTestWpBit(vaddr);

        _arch.SetPte(pte, oldPte);
        _arch.LocalFlushTlb();

        if (_arch.Cpus[0].WpWorksOk == 0)
        {
            K.Printk("No.");
            // CONFIG_X86_WP_WORKS_OK is set for a Pentium III kernel.
            throw new KernelPanicException("This kernel doesn't support CPU's with broken WP. Recompile it for a 386!", "test_wp_bit");
        }
        K.Printk("Ok.");
    }

    /// <summary>True when frame <paramref name="pagenr"/> lies wholly inside a RAM range of the e820 map.</summary>
    /// <param name="pagenr">A frame number.</param>
    [Linux("arch/i386/mm/init.c", "page_is_ram")]
    public bool PageIsRam(uint pagenr)
    {
        E820 e820 = Setup.E820;
        for (int i = 0; i < e820.NrMap; i++)
        {
            E820Entry e = e820.Map[i];
            if (e.Type != E820.Ram)
                continue;
            ulong addr = (e.Addr + PageSize - 1) >> PageShift;
            ulong end = e.End >> PageShift;
            if (pagenr >= addr && pagenr < end)
                return true;
        }
        return false;
    }

    /// <summary>The frames a Pentium Pro with the RAM erratum must not use (0x70000 to 0x7003F).</summary>
    /// <param name="pagenr">A frame number.</param>
    [Linux("arch/i386/mm/init.c", "page_kills_ppro")]
    public static bool PageKillsPpro(uint pagenr) => pagenr >= 0x70000 && pagenr <= 0x7003F;

    /// <summary>Frees one high-memory page into the buddy allocator, or marks it reserved if it is a hole.</summary>
    /// <param name="page">The page.</param>
    /// <param name="pfn">Its frame number.</param>
    /// <param name="badPpro">The CPU has the Pentium Pro erratum.</param>
    [Linux("arch/i386/mm/init.c", "one_highpage_init")]
    public void OneHighpageInit(Page page, uint pfn, bool badPpro)
    {
        if (!PageIsRam(pfn))
        {
            PageFlags.SetPageReserved(page);
            return;
        }
        if (badPpro && PageKillsPpro(pfn))
        {
            PageFlags.SetPageReserved(page);
            return;
        }
        PageFlags.ClearPageReserved(page);
        PageFlags.Set(page, PageFlags.HighMem);
        PageFlags.SetPageCount(page, 1);
        K.PageAlloc.FreePage(page);
        TotalhighPages++;
    }

    /// <summary>Sets max_mapnr, num_physpages, num_mappedpages and highmem_start_page from the boot-time sizes.</summary>
    [Linux("arch/i386/mm/init.c", "set_max_mapnr_init")]
    private void SetMaxMapnrInit()
    {
        Mm.Memory m = K.Memory;
        // Port note: C points highmem_start_page one past mem_map when there is no high memory;
        // here it is null then.
        m.HighmemStartPage = HighstartPfn < m.MemMap.Length ? m.MemMap[HighstartPfn] : null;
        m.MaxMapnr = m.NumPhyspages = HighendPfn;
        m.NumMappedpages = K.Bootmem.MaxLowPfn;
    }

    /// <summary>Releases bootmem's free pages and every high page into the buddy allocator; returns the reserved low RAM pages.</summary>
    [Linux("arch/i386/mm/init.c", "free_pages_init")]
    private int FreePagesInit()
    {
        bool badPpro = Setup.PproWithRamBug() != 0;

        // #region freeall
        // Every free low page goes onto the buddy free lists here.
        TotalramPages += K.Bootmem.FreeAllBootmem();
        // #endregion

        int reservedpages = 0;
        for (uint pfn = 0; pfn < K.Bootmem.MaxLowPfn; pfn++)
        {
            // Count only reserved pages that are RAM (not the holes).
            if (PageIsRam(pfn) && PageFlags.PageReserved(K.Memory.MemMap[pfn]))
                reservedpages++;
        }
        // CONFIG_HIGHMEM: from the top down.
        for (long pfn = (long)HighendPfn - 1; pfn >= HighstartPfn; pfn--)
            OneHighpageInit(K.Memory.MemMap[pfn], (uint)pfn, badPpro);
        TotalramPages += TotalhighPages;
        return reservedpages;
    }

    /// <summary>
    /// The end of memory initialisation: sets high_memory, clears the zero page, gives every free
    /// page to the buddy allocator, prints the famous "Memory:" line and checks the WP bit.
    /// </summary>
    [Linux("arch/i386/mm/init.c", "mem_init")]
    public void MemInit()
    {
        KernelPanicException.BugOn(K.Memory.MemMap.Length == 0, "!mem_map", "mem_init");

        SetMaxMapnrInit();
        K.Memory.HighMemory = K.Va((ulong)K.Bootmem.MaxLowPfn * PageSize);

        K.Phys.Fill(K.Pa(KernelImage.EmptyZeroPage), 0, PageSize);

        int reservedpages = FreePagesInit();
        ReservedPages = reservedpages;

        uint codesize = KernelImage.Etext - KernelImage.Text;
        uint datasize = KernelImage.Edata - KernelImage.Etext;
        uint initsize = KernelImage.InitEnd - KernelImage.InitBegin;

        K.Printk(string.Create(CultureInfo.InvariantCulture,
            $"Memory: {K.PageAlloc.NrFreePages() << (PageShift - 10)}k/{K.Memory.MaxMapnr << (PageShift - 10)}k available " +
            $"({codesize >> 10}k kernel code, {reservedpages << (PageShift - 10)}k reserved, {datasize >> 10}k data, " +
            $"{initsize >> 10}k init, {TotalhighPages << (PageShift - 10)}k highmem)"));

        if (_arch.Pae && !_arch.CpuHasPae)
            throw new KernelPanicException("cannot execute a PAE-enabled kernel on a PAE-less CPU!", "mem_init");
        if (_arch.Cpus[0].WpWorksOk < 0)
            TestWpBit();

        // CONFIG_SMP: zap_low_mappings waits for smp_boot_cpus, after the other CPUs are up.
    }

    /// <summary>
    /// The write half of the WP test: one supervisor-mode store through the MMU. 1 when it faults
    /// (the fixup then skips the instruction that would clear the flag), 0 when it goes through.
    /// </summary>
    /// <param name="vaddr">The address made read-only.</param>
    [Linux("arch/i386/mm/init.c", "do_test_wp_bit")]
    private int DoTestWpBit(uint vaddr)
    {
        Cpu cpu = _arch.CurrentCpuData;
        // The real code stores back the byte it just loaded, so a write that succeeds changes nothing.
        bool ok = _arch.Mmu.TryTranslate(cpu, vaddr, write: true, user: false, out ulong paddr, out _);
        if (ok)
            K.Phys.WriteByte(paddr, K.Phys.ReadByte(paddr));
        return ok ? 0 : 1;
    }

    /// <summary>Frees the kernel's __init code and data, which nobody runs after boot.</summary>
    [Linux("arch/i386/mm/init.c", "free_initmem")]
    public void FreeInitmem()
    {
        for (uint addr = KernelImage.InitBegin; addr < KernelImage.InitEnd; addr += PageSize)
        {
            Page page = K.VirtToPage(addr);
            PageFlags.ClearPageReserved(page);
            PageFlags.SetPageCount(page, 1);
            K.PageAlloc.FreePage(addr);
            TotalramPages++;
        }
        K.Printk($"Freeing unused kernel memory: {(KernelImage.InitEnd - KernelImage.InitBegin) >> 10}k freed");
    }

    /// <summary>Frees the pages an initial ramdisk occupied. The simulated machine boots without one.</summary>
    /// <param name="start">Kernel virtual start of the initrd.</param>
    /// <param name="end">Kernel virtual end.</param>
    [Linux("arch/i386/mm/init.c", "free_initrd_mem")]
    public void FreeInitrdMem(uint start, uint end)
    {
        if (start < end)
            K.Printk($"Freeing initrd memory: {(end - start) >> 10}k freed");
        for (; start < end; start += PageSize)
        {
            PageFlags.ClearPageReserved(K.VirtToPage(start));
            PageFlags.SetPageCount(K.VirtToPage(start), 1);
            K.PageAlloc.FreePage(start);
            TotalramPages++;
        }
    }

    /// <summary>Fills the memory figures of <c>struct sysinfo</c> (for sysinfo(2) and /proc/meminfo).</summary>
    /// <param name="val">The structure to fill.</param>
    [Linux("arch/i386/mm/init.c", "si_meminfo")]
    public void SiMeminfo(SysInfo val)
    {
        val.TotalRam = TotalramPages;
        val.SharedRam = 0;
        val.FreeRam = K.PageAlloc.NrFreePages();
        // Port note: buffermem_pages belongs to fs/buffer.c, not modelled: 0.
        val.BufferRam = 0;
        val.TotalHigh = TotalhighPages;
        val.FreeHigh = K.PageAlloc.NrFreeHighpages();
        val.MemUnit = PageSize;
    }

    /// <summary>The slab cache PAE page directories come from (null without PAE, or before pgtable_cache_init).</summary>
    [Linux("arch/i386/mm/init.c", "pae_pgd_cachep")]
    public KmemCache? PaePgdCachep { get; private set; }

    /// <summary>
    /// PAE only: creates the cache of page directories. A PAE pgd is four 8-byte entries, so a
    /// whole page per process would waste 4064 bytes; the cache packs them, aligned to a cache
    /// line, which also gives the 32-byte alignment cr3 needs. Without PAE it does nothing.
    /// </summary>
    [Linux("arch/i386/mm/init.c", "pgtable_cache_init")]
    public void PgtableCacheInit()
    {
        if (!_arch.Pae)
            return;
        PaePgdCachep = K.Slab.KmemCacheCreate("pae_pgd", 32, 0,
            SlabFlags.HwcacheAlign | SlabFlags.MustHwcacheAlign, null, null)
            ?? throw new KernelPanicException("cannot create the pae_pgd slab cache", "pgtable_cache_init");
    }
}
