using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Arch.X86;

// include/asm-i386/pgtable.h and the layout-specific pgtable-2level.h / pgtable-3level.h: the
// geometry, finding entries, and reading and writing them in simulated memory.
public sealed partial class I386
{
    /// <inheritdoc/>
    public int PgdirShift => _layout.PgdirShift;
    /// <inheritdoc/>
    public uint PgdirSize => 1u << _layout.PgdirShift;
    /// <inheritdoc/>
    public uint PgdirMask => ~(PgdirSize - 1);
    /// <inheritdoc/>
    public int PmdShift => _layout.PmdShift;
    /// <inheritdoc/>
    public uint PmdSize => 1u << _layout.PmdShift;
    /// <inheritdoc/>
    public uint PmdMask => ~(PmdSize - 1);
    /// <inheritdoc/>
    public int PtrsPerPgd => _layout.PtrsPerPgd;
    /// <inheritdoc/>
    public int PtrsPerPmd => _layout.PtrsPerPmd;
    /// <inheritdoc/>
    public int PtrsPerPte => _layout.PtrsPerPte;
    /// <inheritdoc/>
    public int UserPtrsPerPgd => (int)(TaskSize / PgdirSize);
    /// <inheritdoc/>
    public int FirstUserPgdNr => 0;

    /// <summary>pgd entries below PAGE_OFFSET (<c>USER_PGD_PTRS</c>).</summary>
    [Linux("include/asm-i386/pgtable.h", "USER_PGD_PTRS")]
    public int UserPgdPtrs => (int)(PageOffsetValue >> PgdirShift);

    /// <summary>pgd entries from PAGE_OFFSET up (<c>KERNEL_PGD_PTRS</c>).</summary>
    [Linux("include/asm-i386/pgtable.h", "KERNEL_PGD_PTRS")]
    public int KernelPgdPtrs => PtrsPerPgd - UserPgdPtrs;

    private ulong PaOf(uint kaddr) => Kernel.Pa(kaddr);

    /// <inheritdoc/>
    public int PgdIndex(uint address) => (int)((address >> PgdirShift) & (uint)(PtrsPerPgd - 1));

    /// <inheritdoc/>
    public int PmdIndex(uint address) => (int)((address >> PmdShift) & (uint)(PtrsPerPmd - 1));

    /// <inheritdoc/>
    public int PteIndex(uint address) => (int)((address >> PageConstants.PageShift) & (uint)(PtrsPerPte - 1));

    /// <inheritdoc/>
    public PgdPtr PgdOffset(MmStruct mm, uint address) => new PgdPtr(mm.Pgd, _layout.EntryBytes) + PgdIndex(address);

    /// <inheritdoc/>
    public PgdPtr PgdOffsetK(uint address) => PgdOffset(Kernel.InitMm, address);

    /// <inheritdoc/>
    public PmdPtr PmdOffset(PgdPtr dir, uint address) => _layout.PmdOffset(this, dir, address);

    /// <inheritdoc/>
    public PtePtr PteOffset(PmdPtr dir, uint address) => new PtePtr(PmdPage(ReadPmd(dir)), _layout.EntryBytes) + PteIndex(address);

    /// <inheritdoc/>
    public uint PmdPage(Pmd pmd) => Kernel.Va((uint)pmd.Value & PageConstants.PageMask);

    /// <inheritdoc/>
    public uint PgdPage(Pgd pgd) => Kernel.Va((uint)pgd.Value & PageConstants.PageMask);

    /// <inheritdoc/>
    public Page PtePage(Pte pte) => Kernel.Memory.MemMap[(int)pte.Pfn];

    /// <inheritdoc/>
    public Pte MkPte(Page page, Pgprot pgprot)
    {
        // Without PAE an entry has 20 bits of frame number: RAM above 4 GiB cannot be mapped.
        KernelPanicException.BugOn(!Pae && page.MapNr >= 1 << 20, "page above 4 GiB in a 2-level pte", "mk_pte");
        return Pte.MkPteCore((uint)page.MapNr, pgprot);
    }

    /// <inheritdoc/>
    public Page ZeroPage(uint vaddr) => Kernel.VirtToPage(KernelImage.EmptyZeroPage);

    /// <inheritdoc/>
    public Pgd ReadPgd(PgdPtr pgd) => new(_layout.Read(Kernel.Phys, PaOf(pgd.Address)));

    /// <inheritdoc/>
    public Pmd ReadPmd(PmdPtr pmd) => new(_layout.Read(Kernel.Phys, PaOf(pmd.Address)));

    /// <inheritdoc/>
    public Pte ReadPte(PtePtr pte) => new(_layout.Read(Kernel.Phys, PaOf(pte.Address)));

    /// <inheritdoc/>
    public void SetPte(PtePtr ptep, Pte pteval) => _layout.SetPte(Kernel.Phys, PaOf(ptep.Address), pteval);

    /// <inheritdoc/>
    public void SetPteAtomic(PtePtr ptep, Pte pteval) => _layout.WriteAtomic(Kernel.Phys, PaOf(ptep.Address), pteval.Value);

    /// <inheritdoc/>
    public void SetPmd(PmdPtr pmdp, Pmd pmdval) => _layout.WriteAtomic(Kernel.Phys, PaOf(pmdp.Address), pmdval.Value);

    /// <inheritdoc/>
    public void SetPgd(PgdPtr pgdp, Pgd pgdval) => _layout.WriteAtomic(Kernel.Phys, PaOf(pgdp.Address), pgdval.Value);

    /// <inheritdoc/>
    public void PteClear(PtePtr ptep) => SetPte(ptep, new Pte(0));

    /// <inheritdoc/>
    public void PmdClear(PmdPtr pmdp) => SetPmd(pmdp, new Pmd(0));

    /// <inheritdoc/>
    public void PgdClear(PgdPtr pgdp) { }

    /// <inheritdoc/>
    public Pte PtepGetAndClear(PtePtr ptep) => _layout.PtepGetAndClear(Kernel.Phys, PaOf(ptep.Address));

    /// <inheritdoc/>
    public bool PtepTestAndClearDirty(PtePtr ptep) => TestAndClearLowBit(ptep, PageBits.Dirty);

    /// <inheritdoc/>
    public bool PtepTestAndClearYoung(PtePtr ptep) => TestAndClearLowBit(ptep, PageBits.Accessed);

    /// <inheritdoc/>
    public void PtepSetWrprotect(PtePtr ptep) => TestAndClearLowBit(ptep, PageBits.Rw);

    /// <inheritdoc/>
    public void PtepMkdirty(PtePtr ptep)
    {
        ulong pa = PaOf(ptep.Address);
        Kernel.Phys.WriteU32(pa, Kernel.Phys.ReadU32(pa) | PageBits.Dirty);
    }

    // The bit operations of bitops.h work on the entry's first 32-bit word, where the flags are in
    // both layouts.
    private bool TestAndClearLowBit(PtePtr ptep, uint bit)
    {
        ulong pa = PaOf(ptep.Address);
        uint low = Kernel.Phys.ReadU32(pa);
        if ((low & bit) == 0)
            return false;
        Kernel.Phys.WriteU32(pa, low & ~bit);
        return true;
    }

    // ----- caches: i386 caches are physically indexed and coherent, so these do nothing -----

    /// <inheritdoc/>
    public void FlushCacheAll() { }
    /// <inheritdoc/>
    public void FlushCacheMm(MmStruct mm) { }
    /// <inheritdoc/>
    public void FlushCacheRange(MmStruct mm, uint start, uint end) { }
    /// <inheritdoc/>
    public void FlushCachePage(MmStruct mm, uint vmaddr) { }
    /// <inheritdoc/>
    public void FlushPageToRam(Page page) { }
    /// <inheritdoc/>
    public void FlushDcachePage(Page page) { }
    /// <inheritdoc/>
    public void FlushIcacheRange(uint start, uint end) { }
    /// <inheritdoc/>
    public void FlushIcachePage(Page page) { }
    /// <inheritdoc/>
    public void UpdateMmuCache(uint address, Pte pte) { }

    // ----- the layout above the direct map -----

    /// <inheritdoc/>
    public uint VmallocOffset => 8 * 1024 * 1024;

    /// <inheritdoc/>
    public uint VmallocStart => (Kernel.Memory.HighMemory + 2 * VmallocOffset - 1) & ~(VmallocOffset - 1);

    /// <inheritdoc/>
    public uint VmallocEnd => PkmapBase - 2 * PageConstants.PageSize;

    /// <inheritdoc/>
    public uint PkmapBase => 0xFE000000;

    /// <inheritdoc/>
    [Linux("include/asm-i386/highmem.h", "LAST_PKMAP")]
    public int LastPkmap => _layout.LastPkmap;

    /// <summary>Mask for wrapping a pkmap slot number.</summary>
    [Linux("include/asm-i386/highmem.h", "LAST_PKMAP_MASK")]
    public int LastPkmapMask => LastPkmap - 1;

    /// <summary>The pkmap slot of address <paramref name="virt"/>.</summary>
    /// <param name="virt">An address in the pkmap window.</param>
    [Linux("include/asm-i386/highmem.h", "PKMAP_NR")]
    public int PkmapNr(uint virt) => (int)((virt - PkmapBase) >> PageConstants.PageShift);

    /// <summary>The address of pkmap slot <paramref name="nr"/>.</summary>
    /// <param name="nr">Slot number.</param>
    [Linux("include/asm-i386/highmem.h", "PKMAP_ADDR")]
    public uint PkmapAddr(int nr) => PkmapBase + ((uint)nr << PageConstants.PageShift);

    /// <inheritdoc/>
    public uint FixaddrTop => Fixmap.FixaddrTop;

    /// <inheritdoc/>
    public uint FixaddrStart => Fixmap.FixaddrStart;

    /// <inheritdoc/>
    public uint FixToVirt(int idx) => Fixmap.FixToVirt(idx);

    /// <inheritdoc/>
    public int FixKmapBegin => Fixmap.FixKmapBegin;
}
