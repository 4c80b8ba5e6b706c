using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/memory.c: unmapping a range of user pages (munmap, exit, mremap, truncate), with the TLB
// shoot-down batching of include/asm-generic/tlb.h.
public sealed partial class Memory
{
    private MmuGather[]? _mmuGathers;

    /// <summary>One shoot-down batch per CPU (<c>mmu_gathers[NR_CPUS]</c>); the page-table lock keeps each in single use.</summary>
    [Linux("include/asm-generic/tlb.h", "mmu_gathers")]
    public MmuGather[] MmuGathers => _mmuGathers ??= NewGathers(_kernel.SmpNumCpus);

    private static MmuGather[] NewGathers(int n)
    {
        var g = new MmuGather[n];
        for (int i = 0; i < n; i++)
            g[i] = new MmuGather();
        return g;
    }

    /// <summary>Starts a shoot-down batch on this CPU for <paramref name="mm"/>: fast mode when it has one user.</summary>
    /// <param name="mm">The address space.</param>
    [Linux("include/asm-generic/tlb.h", "tlb_gather_mmu")]
    public MmuGather TlbGatherMmu(MmStruct mm)
    {
        MmuGather tlb = MmuGathers[_kernel.CurrentCpu];
        tlb.Mm = mm;
        tlb.Nr = mm.MmUsers == 1 ? MmuGather.FastMode : 0;
        return tlb;
    }

    /// <summary>
    /// Clears a pte and frees its page: at once in fast mode, else after the batch's TLB flush,
    /// because until then another CPU may still write through a stale TLB entry.
    /// </summary>
    /// <param name="tlb">The batch.</param>
    /// <param name="ptep">The pte.</param>
    /// <param name="addr">The address it maps.</param>
    [Linux("include/asm-generic/tlb.h", "tlb_remove_page")]
    public void TlbRemovePage(MmuGather tlb, PtePtr ptep, uint addr)
    {
        IArchitecture arch = _kernel.Arch;
        if (tlb.Nr == MmuGather.FastMode)
        {
            Pte pte = arch.ReadPte(ptep);
            arch.PteClear(ptep);
            FreePteCore(pte);
            return;
        }
        if (tlb.Nr == 0)
            tlb.StartAddr = addr;
        tlb.Ptes[tlb.Nr++] = arch.PtepGetAndClear(ptep);
        tlb.EndAddr = addr + PageConstants.PageSize;
        if (tlb.Nr >= MmuGather.FreePteNr)
            TlbFinishMmu(tlb, 0, 0);
    }

    /// <summary>Ends a batch (or a full batch mid-way): flushes the TLBs, then frees the gathered pages.</summary>
    /// <param name="tlb">The batch.</param>
    /// <param name="start">Start of the zapped range (used in fast mode).</param>
    /// <param name="end">End of the zapped range (used in fast mode).</param>
    [Linux("include/asm-generic/tlb.h", "tlb_finish_mmu")]
    public void TlbFinishMmu(MmuGather tlb, uint start, uint end)
    {
        if (tlb.Nr == MmuGather.FastMode)
        {
            _kernel.Arch.FlushTlbRange(tlb.Mm!, start, end);
            return;
        }
        uint nr = tlb.Nr;
        tlb.Nr = 0;
        if (nr != 0)
            _kernel.Arch.FlushTlbRange(tlb.Mm!, tlb.StartAddr, tlb.EndAddr);
        for (uint i = 0; i < nr; i++)
            FreePteCore(tlb.Ptes[i]);
    }

    /// <summary>Checks that a pte being overwritten by zeromap or remap was empty; anything else is a kernel bug.</summary>
    /// <param name="page">The old pte.</param>
    [Linux("mm/memory.c", "forget_pte")]
    private void ForgetPte(Pte page)
    {
        if (!page.None)
        {
            _kernel.Printk("forget_pte: old mapping existed!");
            throw new KernelPanicException("forget_pte: old mapping existed", "forget_pte");
        }
    }

    /// <summary>Unmaps the ptes of one page table that fall in [address, address + size); returns how many mapped pages counted in rss.</summary>
    /// <param name="tlb">The shoot-down batch.</param>
    /// <param name="pmd">The pmd entry of the table.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes (clipped to the table's end).</param>
    [Linux("mm/memory.c", "zap_pte_range")]
    private int ZapPteRange(MmuGather tlb, PmdPtr pmd, uint address, uint size)
    {
        IArchitecture arch = _kernel.Arch;
        Pmd pmdval = arch.ReadPmd(pmd);
        if (pmdval.None)
            return 0;
        if (pmdval.Bad)
        {
            _kernel.Printk($"mm/memory.c: bad pmd {pmdval}.");
            arch.PmdClear(pmd);
            return 0;
        }
        PtePtr ptep = arch.PteOffset(pmd, address);
        uint offset = address & ~arch.PmdMask;
        if (offset + size > arch.PmdSize)
            size = arch.PmdSize - offset;
        size &= PageConstants.PageMask;
        int freed = 0;
        for (offset = 0; offset < size; ptep++, offset += PageConstants.PageSize)
        {
            Pte pte = arch.ReadPte(ptep);
            if (pte.None)
                continue;
            if (pte.Present)
            {
                // Reserved pages (the zero page) were never counted in rss.
                if (PteMapsValidPage(pte) && !PageFlags.PageReserved(arch.PtePage(pte)))
                    freed++;
                TlbRemovePage(tlb, ptep, address + offset);
            }
            else
            {
                _kernel.Swapfile.FreeSwapAndCache(pte.ToSwpEntry());
                arch.PteClear(ptep);
            }
        }
        return freed;
    }

    /// <summary>Unmaps the part of [address, address + size) under one pgd entry, table by table.</summary>
    /// <param name="tlb">The shoot-down batch.</param>
    /// <param name="dir">The pgd entry.</param>
    /// <param name="address">First address.</param>
    /// <param name="size">Bytes.</param>
    [Linux("mm/memory.c", "zap_pmd_range")]
    private int ZapPmdRange(MmuGather tlb, PgdPtr dir, uint address, uint size)
    {
        IArchitecture arch = _kernel.Arch;
        Pgd pgd = arch.ReadPgd(dir);
        if (pgd.None)
            return 0;
        if (pgd.Bad)
        {
            _kernel.Printk($"mm/memory.c: bad pgd {pgd}.");
            arch.PgdClear(dir);
            return 0;
        }
        PmdPtr pmd = arch.PmdOffset(dir, address);
        uint end = address + size;
        if (end > ((address + arch.PgdirSize) & arch.PgdirMask))
            end = (address + arch.PgdirSize) & arch.PgdirMask;
        int freed = 0;
        do
        {
            freed += ZapPteRange(tlb, pmd, address, end - address);
            address = (address + arch.PmdSize) & arch.PmdMask;
            pmd++;
        } while (address < end);
        return freed;
    }

    /// <summary>
    /// Unmaps every page in [address, address + size) of <paramref name="mm"/>: the ptes are
    /// cleared, the pages lose the mapping's reference (and are freed if it was the last), the TLBs
    /// are flushed and rss goes down. The page tables themselves stay (clear_page_tables frees them).
    /// </summary>
    /// <param name="mm">The address space (not necessarily current's).</param>
    /// <param name="address">First address, page aligned.</param>
    /// <param name="size">Bytes, more than 0.</param>
    [Linux("mm/memory.c", "zap_page_range")]
    public void ZapPageRange(MmStruct mm, uint address, uint size)
    {
        IArchitecture arch = _kernel.Arch;
        PgdPtr dir = arch.PgdOffset(mm, address);
        uint start = address, end = address + size;
        int freed = 0;

        KernelPanicException.BugOn(address >= end, "address >= end", "zap_page_range");
        mm.PageTableLock.Lock();
        arch.FlushCacheRange(mm, address, end);
        MmuGather tlb = TlbGatherMmu(mm);

        do
        {
            freed += ZapPmdRange(tlb, dir, address, end - address);
            address = (address + arch.PgdirSize) & arch.PgdirMask;
            dir++;
        } while (address != 0 && address < end);

        // Flushes what fast mode left and frees a partial batch.
        TlbFinishMmu(tlb, start, end);

        // rss is unsigned; it never goes below zero even if the counts disagree.
        if (mm.Rss > (uint)freed)
            mm.Rss -= (uint)freed;
        else
            mm.Rss = 0;
        mm.PageTableLock.Unlock();
    }
}
