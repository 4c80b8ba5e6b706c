using LinuxVm.Mm.KernelModel;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm.Arch;

/// <summary>
/// What the generic mm/ code needs from an architecture, modelled on the asm/ headers that mm/
/// includes (page.h, pgtable.h, pgtable-2level.h / pgtable-3level.h, pgalloc.h, highmem.h,
/// fixmap.h, dma.h, cache.h). The i386 implementation lives in LinuxVm.Arch.X86; mm/ never sees x86
/// details beyond this contract and the entry types of this folder (<see cref="Pte"/>,
/// <see cref="Pmd"/>, <see cref="Pgd"/>, <see cref="Pgprot"/> and their pointers).
/// </summary>
/// <remarks>
/// <para>
/// Page tables live in simulated physical frames. A pointer to an entry is the kernel virtual
/// address of that entry in the direct map (2.4.20 keeps every page table in low memory), so
/// reading one is a read of physical memory at <c>__pa(ptr)</c>. <see cref="ReadPte"/> and
/// friends stand for C's <c>*ptep</c>; <see cref="SetPte"/> and friends for assignments.
/// </para>
/// <para>
/// Both page-table layouts of the i386 are behind this one contract. The 2-level layout folds the
/// pmd into the pgd (<see cref="PtrsPerPmd"/> is 1, <see cref="PmdOffset"/> returns the pgd slot
/// itself); the PAE layout has three real levels. Generic code walks pgd, pmd, pte and is correct
/// for both.
/// </para>
/// </remarks>
public interface IArchitecture
{
    /// <summary>Called once by the <see cref="Kernel"/> being built on this architecture, so that the
    /// page-table operations can reach physical memory, mem_map and the page allocator.</summary>
    /// <param name="kernel">The kernel.</param>
    void Attach(Kernel kernel);

    // ----- page.h, dma.h, cache.h, threads.h -----

    /// <summary>Where the kernel's direct map of physical memory begins (<c>PAGE_OFFSET</c>, 0xC0000000 on i386).</summary>
    [Linux("include/asm-i386/page.h", "PAGE_OFFSET")]
    uint PageOffset { get; }

    /// <summary>Highest kernel virtual address usable for ISA DMA (<c>MAX_DMA_ADDRESS</c>, PAGE_OFFSET + 16 MiB).</summary>
    [Linux("include/asm-i386/dma.h", "MAX_DMA_ADDRESS")]
    uint MaxDmaAddress { get; }

    /// <summary>Bytes in an L1 cache line (<c>L1_CACHE_BYTES</c>, 32 for the Pentium III of the i386 defconfig).</summary>
    [Linux("include/asm-i386/cache.h", "L1_CACHE_BYTES")]
    int L1CacheBytes { get; }

    /// <summary>Maximum number of CPUs the kernel is built for (<c>NR_CPUS</c>).</summary>
    [Linux("include/linux/threads.h", "NR_CPUS")]
    int NrCpusMax { get; }

    /// <summary>Bytes of kernel address space kept for vmalloc, ioremap, kmap and the fixmap (<c>VMALLOC_RESERVE</c>, 128 MiB).</summary>
    [Linux("include/asm-i386/page.h", "VMALLOC_RESERVE")]
    uint VmallocReserve { get; }

    /// <summary>The most physical memory the direct map can cover (<c>MAXMEM</c> = 4 GiB - PAGE_OFFSET - VMALLOC_RESERVE = 896 MiB).</summary>
    [Linux("include/asm-i386/page.h", "MAXMEM")]
    uint Maxmem { get; }

    /// <summary>Top of user space (<c>TASK_SIZE</c>, equal to PAGE_OFFSET).</summary>
    [Linux("include/asm-i386/processor.h", "TASK_SIZE")]
    uint TaskSize { get; }

    /// <summary>The smallest buddy order whose block holds <paramref name="size"/> bytes (<c>get_order</c>).</summary>
    /// <param name="size">Bytes, at least 1.</param>
    [Linux("include/asm-i386/page.h", "get_order")]
    int GetOrder(uint size);

    // ----- the page-table layout (pgtable.h, pgtable-2level.h, pgtable-3level.h) -----

    /// <summary>True when the kernel is built with PAE (CONFIG_X86_PAE, three levels, 64-bit entries).</summary>
    bool Pae { get; }

    /// <summary>log2 of the area one pgd entry maps (22 without PAE, 30 with).</summary>
    int PgdirShift { get; }

    /// <summary>Bytes one pgd entry maps.</summary>
    [Linux("include/asm-i386/pgtable.h", "PGDIR_SIZE")]
    uint PgdirSize { get; }

    /// <summary>Clears the offset within a pgd entry's area.</summary>
    [Linux("include/asm-i386/pgtable.h", "PGDIR_MASK")]
    uint PgdirMask { get; }

    /// <summary>log2 of the area one pmd entry maps (22 without PAE, 21 with).</summary>
    int PmdShift { get; }

    /// <summary>Bytes one pmd entry maps (4 MiB, or 2 MiB with PAE).</summary>
    [Linux("include/asm-i386/pgtable.h", "PMD_SIZE")]
    uint PmdSize { get; }

    /// <summary>Clears the offset within a pmd entry's area.</summary>
    [Linux("include/asm-i386/pgtable.h", "PMD_MASK")]
    uint PmdMask { get; }

    /// <summary>Entries in a pgd (1024, or 4 with PAE).</summary>
    int PtrsPerPgd { get; }

    /// <summary>Entries in a pmd (1, folded, or 512 with PAE).</summary>
    int PtrsPerPmd { get; }

    /// <summary>Entries in a page table (1024, or 512 with PAE).</summary>
    int PtrsPerPte { get; }

    /// <summary>pgd entries that cover user space (<c>USER_PTRS_PER_PGD</c> = TASK_SIZE / PGDIR_SIZE: 768, or 3 with PAE).</summary>
    [Linux("include/asm-i386/pgtable.h", "USER_PTRS_PER_PGD")]
    int UserPtrsPerPgd { get; }

    /// <summary>First pgd entry of user space (<c>FIRST_USER_PGD_NR</c>, 0).</summary>
    [Linux("include/asm-i386/pgtable.h", "FIRST_USER_PGD_NR")]
    int FirstUserPgdNr { get; }

    /// <summary>Index of the pgd entry covering <paramref name="address"/> (<c>pgd_index</c>, also <c>__pgd_offset</c>).</summary>
    /// <param name="address">A virtual address.</param>
    [Linux("include/asm-i386/pgtable.h", "pgd_index")]
    [Linux("include/asm-i386/pgtable.h", "__pgd_offset")]
    int PgdIndex(uint address);

    /// <summary>Index of the pmd entry covering <paramref name="address"/> within its pmd table (<c>__pmd_offset</c>; always 0 without PAE).</summary>
    /// <param name="address">A virtual address.</param>
    [Linux("include/asm-i386/pgtable.h", "__pmd_offset")]
    int PmdIndex(uint address);

    /// <summary>Index of the pte covering <paramref name="address"/> within its page table (<c>__pte_offset</c>).</summary>
    /// <param name="address">A virtual address.</param>
    [Linux("include/asm-i386/pgtable.h", "__pte_offset")]
    int PteIndex(uint address);

    /// <summary>The pgd entry of <paramref name="mm"/> that covers <paramref name="address"/>.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="address">A virtual address.</param>
    [Linux("include/asm-i386/pgtable.h", "pgd_offset")]
    PgdPtr PgdOffset(MmStruct mm, uint address);

    /// <summary>The entry of the kernel's page directory (swapper_pg_dir) that covers <paramref name="address"/>.</summary>
    /// <param name="address">A kernel virtual address.</param>
    [Linux("include/asm-i386/pgtable.h", "pgd_offset_k")]
    PgdPtr PgdOffsetK(uint address);

    /// <summary>The pmd entry under <paramref name="dir"/> that covers <paramref name="address"/>. Without PAE, the pgd entry itself.</summary>
    /// <param name="dir">A pgd entry.</param>
    /// <param name="address">A virtual address.</param>
    PmdPtr PmdOffset(PgdPtr dir, uint address);

    /// <summary>The pte under <paramref name="dir"/> that covers <paramref name="address"/>; the pmd must point at a page table.</summary>
    /// <param name="dir">A present, non-large pmd entry.</param>
    /// <param name="address">A virtual address.</param>
    [Linux("include/asm-i386/pgtable.h", "pte_offset")]
    PtePtr PteOffset(PmdPtr dir, uint address);

    /// <summary>Kernel virtual address of the page table a pmd points at.</summary>
    /// <param name="pmd">A pmd value.</param>
    [Linux("include/asm-i386/pgtable.h", "pmd_page")]
    uint PmdPage(Pmd pmd);

    /// <summary>Kernel virtual address of the pmd table a pgd entry points at (meaningful with PAE).</summary>
    /// <param name="pgd">A pgd value.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "pgd_page")]
    [Linux("include/asm-i386/pgtable-3level.h", "pgd_page")]
    uint PgdPage(Pgd pgd);

    /// <summary>The page descriptor of the frame a pte maps.</summary>
    /// <param name="pte">A present pte.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "pte_page")]
    [Linux("include/asm-i386/pgtable-3level.h", "pte_page")]
    Page PtePage(Pte pte);

    /// <summary>A pte mapping <paramref name="page"/> with protection <paramref name="pgprot"/>.</summary>
    /// <param name="page">The page.</param>
    /// <param name="pgprot">Protection bits.</param>
    [Linux("include/asm-i386/pgtable.h", "mk_pte")]
    Pte MkPte(Page page, Pgprot pgprot);

    /// <summary>The shared page of zeros that read faults on anonymous memory map (<c>ZERO_PAGE</c>).</summary>
    /// <param name="vaddr">The faulting address (unused on i386: there is one zero page).</param>
    [Linux("include/asm-i386/pgtable.h", "ZERO_PAGE")]
    Page ZeroPage(uint vaddr);

    // ----- reading and writing entries (C's *ptr and the set_* macros) -----

    /// <summary>Reads a pgd entry (<c>*pgd</c>).</summary>
    /// <param name="pgd">Pointer to the entry.</param>
    Pgd ReadPgd(PgdPtr pgd);

    /// <summary>Reads a pmd entry (<c>*pmd</c>).</summary>
    /// <param name="pmd">Pointer to the entry.</param>
    Pmd ReadPmd(PmdPtr pmd);

    /// <summary>Reads a pte (<c>*pte</c>).</summary>
    /// <param name="pte">Pointer to the entry.</param>
    Pte ReadPte(PtePtr pte);

    /// <summary>Stores a pte. With PAE the high word is written first, so the CPU never sees a present entry with a stale high half.</summary>
    /// <param name="ptep">Where.</param>
    /// <param name="pteval">The new entry.</param>
    void SetPte(PtePtr ptep, Pte pteval);

    /// <summary>Stores a pte in one atomic write.</summary>
    /// <param name="ptep">Where.</param>
    /// <param name="pteval">The new entry.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "set_pte_atomic")]
    [Linux("include/asm-i386/pgtable-3level.h", "set_pte_atomic")]
    void SetPteAtomic(PtePtr ptep, Pte pteval);

    /// <summary>Stores a pmd entry.</summary>
    /// <param name="pmdp">Where.</param>
    /// <param name="pmdval">The new entry.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "set_pmd")]
    [Linux("include/asm-i386/pgtable-3level.h", "set_pmd")]
    void SetPmd(PmdPtr pmdp, Pmd pmdval);

    /// <summary>Stores a pgd entry.</summary>
    /// <param name="pgdp">Where.</param>
    /// <param name="pgdval">The new entry.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "set_pgd")]
    [Linux("include/asm-i386/pgtable-3level.h", "set_pgd")]
    void SetPgd(PgdPtr pgdp, Pgd pgdval);

    /// <summary>Zeroes a pte.</summary>
    /// <param name="ptep">Where.</param>
    [Linux("include/asm-i386/pgtable.h", "pte_clear")]
    void PteClear(PtePtr ptep);

    /// <summary>Zeroes a pmd entry.</summary>
    /// <param name="pmdp">Where.</param>
    [Linux("include/asm-i386/pgtable.h", "pmd_clear")]
    void PmdClear(PmdPtr pmdp);

    /// <summary>Does nothing on i386: the folded pgd has nothing of its own, and PAE pgd entries are never cleared (Pentium II erratum A13).</summary>
    /// <param name="pgdp">Where.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "pgd_clear")]
    [Linux("include/asm-i386/pgtable-3level.h", "pgd_clear")]
    void PgdClear(PgdPtr pgdp);

    /// <summary>Atomically reads a pte and zeroes it, so a dirty bit the CPU sets meanwhile is not lost.</summary>
    /// <param name="ptep">Where.</param>
    Pte PtepGetAndClear(PtePtr ptep);

    /// <summary>Clears the dirty bit of a pte in memory and returns whether it was set.</summary>
    /// <param name="ptep">Where.</param>
    [Linux("include/asm-i386/pgtable.h", "ptep_test_and_clear_dirty")]
    bool PtepTestAndClearDirty(PtePtr ptep);

    /// <summary>Clears the accessed bit of a pte in memory and returns whether it was set.</summary>
    /// <param name="ptep">Where.</param>
    [Linux("include/asm-i386/pgtable.h", "ptep_test_and_clear_young")]
    bool PtepTestAndClearYoung(PtePtr ptep);

    /// <summary>Clears the R/W bit of a pte in memory.</summary>
    /// <param name="ptep">Where.</param>
    [Linux("include/asm-i386/pgtable.h", "ptep_set_wrprotect")]
    void PtepSetWrprotect(PtePtr ptep);

    /// <summary>Sets the dirty bit of a pte in memory.</summary>
    /// <param name="ptep">Where.</param>
    [Linux("include/asm-i386/pgtable.h", "ptep_mkdirty")]
    void PtepMkdirty(PtePtr ptep);

    // ----- allocating page tables (pgalloc.h) -----

    /// <summary>A new page directory for a process, its kernel entries copied from swapper_pg_dir: with 2-level tables a page whose user entries are empty, with PAE a 32-byte pgd whose three user entries already point at fresh empty pmd pages. 0 when out of memory.</summary>
    /// <param name="mm">The address space it is for.</param>
    [Linux("include/asm-i386/pgalloc.h", "pgd_alloc")]
    uint PgdAlloc(MmStruct mm);

    /// <summary>Frees a page directory from <see cref="PgdAlloc"/> (with PAE, its user pmd pages too).</summary>
    /// <param name="pgd">Kernel virtual address of the pgd.</param>
    [Linux("include/asm-i386/pgalloc.h", "pgd_free")]
    void PgdFree(uint pgd);

    /// <summary>Takes a page table from this CPU's quicklist, or NULL if the list is empty.</summary>
    /// <param name="mm">The address space (unused on i386).</param>
    /// <param name="address">The address the table will map (unused on i386).</param>
    [Linux("include/asm-i386/pgalloc.h", "pte_alloc_one_fast")]
    PtePtr PteAllocOneFast(MmStruct? mm, uint address);

    /// <summary>Allocates and zeroes a new page table from the buddy allocator; NULL when out of memory.</summary>
    /// <param name="mm">The address space (unused on i386).</param>
    /// <param name="address">The address the table will map (unused on i386).</param>
    [Linux("include/asm-i386/pgalloc.h", "pte_alloc_one")]
    PtePtr PteAllocOne(MmStruct? mm, uint address);

    /// <summary>Releases a page table onto this CPU's quicklist (<c>pte_free</c> is <c>pte_free_fast</c>).</summary>
    /// <param name="pte">The page table.</param>
    [Linux("include/asm-i386/pgalloc.h", "pte_free")]
    [Linux("include/asm-i386/pgalloc.h", "pte_free_fast")]
    void PteFree(PtePtr pte);

    /// <summary>Gives a page table back to the buddy allocator.</summary>
    /// <param name="pte">The page table.</param>
    [Linux("include/asm-i386/pgalloc.h", "pte_free_slow")]
    void PteFreeSlow(PtePtr pte);

    /// <summary>Never called on i386: pmds are inside the pgd (or, with PAE, allocated with it). A call is a kernel BUG.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="address">The address.</param>
    [Linux("include/asm-i386/pgalloc.h", "pmd_alloc_one_fast")]
    PmdPtr PmdAllocOneFast(MmStruct? mm, uint address);

    /// <summary>Never called on i386; a call is a kernel BUG.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="address">The address.</param>
    [Linux("include/asm-i386/pgalloc.h", "pmd_alloc_one")]
    PmdPtr PmdAllocOne(MmStruct? mm, uint address);

    /// <summary>Does nothing on i386: a pmd is freed with its pgd.</summary>
    /// <param name="pmd">The pmd.</param>
    [Linux("include/asm-i386/pgalloc.h", "pmd_free")]
    void PmdFree(PmdPtr pmd);

    /// <summary>Points a pmd entry at a page table (user-accessible table bits, <c>_PAGE_TABLE</c>).</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="pmd">The pmd entry.</param>
    /// <param name="pte">The page table.</param>
    [Linux("include/asm-i386/pgalloc.h", "pmd_populate")]
    void PmdPopulate(MmStruct mm, PmdPtr pmd, PtePtr pte);

    /// <summary>Never called on i386 (pgd_none is always false); a call is a kernel BUG.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="pgd">The pgd entry.</param>
    /// <param name="pmd">The pmd table.</param>
    [Linux("include/asm-i386/pgalloc.h", "pgd_populate")]
    void PgdPopulate(MmStruct mm, PgdPtr pgd, PmdPtr pmd);

    /// <summary>Trims this CPU's page-table quicklists to <paramref name="low"/> pages once they exceed <paramref name="high"/>; returns pages freed.</summary>
    /// <param name="low">Target size.</param>
    /// <param name="high">Size that triggers trimming.</param>
    [Linux("arch/i386/mm/init.c", "do_check_pgt_cache")]
    int DoCheckPgtCache(int low, int high);

    /// <summary>Pages on this CPU's page-table quicklists.</summary>
    [Linux("include/asm-i386/pgalloc.h", "pgtable_cache_size")]
    uint PgtableCacheSize { get; }

    // ----- TLB (pgalloc.h, arch/i386/kernel/smp.c) -----

    /// <summary>
    /// Moves CPU <paramref name="cpu"/> from address space <paramref name="prev"/> to
    /// <paramref name="next"/> (<c>switch_mm</c>, include/asm-i386/mmu_context.h): schedule() calls
    /// it when the next task has an address space of its own.
    /// </summary>
    /// <param name="prev">The address space the CPU was using.</param>
    /// <param name="next">The one it will use.</param>
    /// <param name="tsk">The task being switched to.</param>
    /// <param name="cpu">The CPU.</param>
    void SwitchMm(MmStruct prev, MmStruct next, TaskStruct tsk, int cpu);

    /// <summary>Flushes the TLB entries of the current address space on every CPU that runs it.</summary>
    [Linux("include/asm-i386/pgalloc.h", "flush_tlb")]
    void FlushTlb();

    /// <summary>Flushes every TLB entry, global ones included, on every CPU.</summary>
    [Linux("arch/i386/kernel/smp.c", "flush_tlb_all")]
    void FlushTlbAll();

    /// <summary>Flushes the TLB entries of <paramref name="mm"/> on every CPU that has it loaded.</summary>
    /// <param name="mm">The address space.</param>
    [Linux("arch/i386/kernel/smp.c", "flush_tlb_mm")]
    void FlushTlbMm(MmStruct mm);

    /// <summary>Flushes the TLB entry for one page of <paramref name="mm"/> on every CPU that has it loaded.</summary>
    /// <param name="mm">The address space (the C passes the vma and uses only <c>vma-&gt;vm_mm</c>).</param>
    /// <param name="address">The page's virtual address.</param>
    [Linux("arch/i386/kernel/smp.c", "flush_tlb_page")]
    void FlushTlbPage(MmStruct mm, uint address);

    /// <summary>Flushes a range of <paramref name="mm"/>; i386 flushes the whole mm.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="start">First address.</param>
    /// <param name="end">End of the range (exclusive).</param>
    [Linux("include/asm-i386/pgalloc.h", "flush_tlb_range")]
    void FlushTlbRange(MmStruct mm, uint start, uint end);

    /// <summary>Called after page tables of a range were freed; i386 flushes the whole mm.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="start">First address.</param>
    /// <param name="end">End of the range (exclusive).</param>
    [Linux("include/asm-i386/pgalloc.h", "flush_tlb_pgtables")]
    void FlushTlbPgtables(MmStruct mm, uint start, uint end);

    /// <summary>Flushes the non-global entries of the current CPU only (a cr3 reload).</summary>
    [Linux("include/asm-i386/pgalloc.h", "local_flush_tlb")]
    void LocalFlushTlb();

    /// <summary>Flushes one page's entry on the current CPU only (<c>invlpg</c>).</summary>
    /// <param name="address">A virtual address in the page.</param>
    [Linux("include/asm-i386/pgtable.h", "__flush_tlb_one")]
    void FlushTlbOne(uint address);

    /// <summary>Makes the current CPU use the page directory at kernel virtual address <paramref name="pgd"/> (load cr3), dropping non-global TLB entries.</summary>
    /// <param name="pgd">Kernel virtual address of a pgd.</param>
    [Linux("include/asm-i386/processor.h", "load_cr3")]
    void LoadCr3(uint pgd);

    /// <summary>No-op on i386 (its caches are physically tagged), still called where other architectures need it.</summary>
    [Linux("include/asm-i386/pgtable.h", "flush_cache_all")]
    void FlushCacheAll();

    /// <summary>No-op on i386.</summary>
    /// <param name="mm">The address space.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_cache_mm")]
    void FlushCacheMm(MmStruct mm);

    /// <summary>No-op on i386.</summary>
    /// <param name="mm">The address space.</param>
    /// <param name="start">First address.</param>
    /// <param name="end">End of the range.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_cache_range")]
    void FlushCacheRange(MmStruct mm, uint start, uint end);

    /// <summary>No-op on i386.</summary>
    /// <param name="mm">The address space (the C passes the vma).</param>
    /// <param name="vmaddr">The page's address.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_cache_page")]
    void FlushCachePage(MmStruct mm, uint vmaddr);

    /// <summary>No-op on i386.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_page_to_ram")]
    void FlushPageToRam(Page page);

    /// <summary>No-op on i386.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_dcache_page")]
    void FlushDcachePage(Page page);

    /// <summary>No-op on i386.</summary>
    /// <param name="start">First address.</param>
    /// <param name="end">End of the range.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_icache_range")]
    void FlushIcacheRange(uint start, uint end);

    /// <summary>No-op on i386.</summary>
    /// <param name="page">The page.</param>
    [Linux("include/asm-i386/pgtable.h", "flush_icache_page")]
    void FlushIcachePage(Page page);

    /// <summary>No-op on i386: the MMU reads the page tables itself, nothing external to update.</summary>
    /// <param name="address">The faulting address.</param>
    /// <param name="pte">The new pte.</param>
    [Linux("include/asm-i386/pgtable.h", "update_mmu_cache")]
    void UpdateMmuCache(uint address, Pte pte);

    // ----- the kernel's virtual layout above the direct map (pgtable.h, highmem.h, fixmap.h) -----

    /// <summary>Gap between the end of the direct map and the vmalloc area (<c>VMALLOC_OFFSET</c>, 8 MiB), to catch overruns.</summary>
    [Linux("include/asm-i386/pgtable.h", "VMALLOC_OFFSET")]
    uint VmallocOffset { get; }

    /// <summary>Start of the vmalloc area: high_memory rounded up to 8 MiB, plus 8 MiB. Valid once mem_init has set high_memory.</summary>
    [Linux("include/asm-i386/pgtable.h", "VMALLOC_START")]
    uint VmallocStart { get; }

    /// <summary>End of the vmalloc area: two pages below PKMAP_BASE (CONFIG_HIGHMEM).</summary>
    [Linux("include/asm-i386/pgtable.h", "VMALLOC_END")]
    uint VmallocEnd { get; }

    /// <summary>Start of the permanent kmap window (<c>PKMAP_BASE</c>, 0xFE000000).</summary>
    [Linux("include/asm-i386/highmem.h", "PKMAP_BASE")]
    uint PkmapBase { get; }

    /// <summary>Number of permanent kmap slots: one page table's worth (1024, or 512 with PAE).</summary>
    int LastPkmap { get; }

    /// <summary>Top of the fixmap area (<c>FIXADDR_TOP</c>, 0xFFFFE000); the last page of the address space stays unmapped.</summary>
    uint FixaddrTop { get; }

    /// <summary>Lowest address of the permanent fixmap slots.</summary>
    uint FixaddrStart { get; }

    /// <summary>Virtual address of fixmap slot <paramref name="idx"/>; slots grow down from FIXADDR_TOP.</summary>
    /// <param name="idx">A value of <c>enum fixed_addresses</c>.</param>
    uint FixToVirt(int idx);

    /// <summary>First fixmap slot used by kmap_atomic (<c>FIX_KMAP_BEGIN</c>); a CPU's slots follow at KM_TYPE_NR * cpu.</summary>
    int FixKmapBegin { get; }

    /// <summary>The pte of the first kmap_atomic slot (<c>kmap_pte</c>); slot <c>idx</c> is <c>kmap_pte - idx</c>.</summary>
    [Linux("arch/i386/mm/init.c", "kmap_pte")]
    PtePtr KmapPte { get; }

    /// <summary>Protection of kmap mappings (<c>kmap_prot</c>, PAGE_KERNEL).</summary>
    [Linux("arch/i386/mm/init.c", "kmap_prot")]
    Pgprot KmapProt { get; }

    /// <summary>The page table of the permanent kmap window (set up by pagetable_init for mm/highmem.c).</summary>
    [Linux("mm/highmem.c", "pkmap_page_table")]
    PtePtr PkmapPageTable { get; }

    /// <summary>Maps <paramref name="page"/> at this CPU's fixmap slot <paramref name="type"/> and returns its address; a low page needs no mapping.</summary>
    /// <param name="page">The page.</param>
    /// <param name="type">The slot.</param>
    [Linux("include/asm-i386/highmem.h", "kmap_atomic")]
    uint KmapAtomic(Page page, KmType type);

    /// <summary>Ends an atomic kmap (does nothing without CONFIG_DEBUG_HIGHMEM).</summary>
    /// <param name="kvaddr">The address from <see cref="KmapAtomic"/>.</param>
    /// <param name="type">The slot.</param>
    [Linux("include/asm-i386/highmem.h", "kunmap_atomic")]
    void KunmapAtomic(uint kvaddr, KmType type);

    // ----- memory figures (arch/i386/mm/init.c) -----

    /// <summary>Fills the memory figures of <c>struct sysinfo</c> (totalram, freeram, sharedram,
    /// bufferram, totalhigh, freehigh, mem_unit) from the counters mem_init keeps.</summary>
    /// <param name="val">The structure to fill.</param>
    /// <remarks>The architecture's si_meminfo (arch/i386/mm/init.c on a PC); its port carries the kernel name.</remarks>
    void SiMeminfo(SysInfo val);

    // ----- the CPU touching memory -----

    /// <summary>The current CPU reads kernel virtual memory through its MMU (a kernel-mode load); faults as the hardware would.</summary>
    /// <param name="vaddr">First virtual address.</param>
    /// <param name="destination">Where the bytes go.</param>
    void ReadVirtual(uint vaddr, Span<byte> destination);

    /// <summary>The current CPU writes kernel virtual memory through its MMU (a kernel-mode store), setting accessed and dirty bits.</summary>
    /// <param name="vaddr">First virtual address.</param>
    /// <param name="source">The bytes.</param>
    void WriteVirtual(uint vaddr, ReadOnlySpan<byte> source);
}
