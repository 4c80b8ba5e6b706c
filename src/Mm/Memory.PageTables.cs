using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/memory.c, part: allocating the middle and last levels of a page table on demand, and the
// globals that describe how much of mem_map is directly mapped.
public sealed partial class Memory
{
    /// <summary>Pages that the kernel maps permanently (the low-memory pages; set by mem_init).</summary>
    [Linux("mm/memory.c", "num_mappedpages")]
    public uint NumMappedpages { get; set; }

    /// <summary>The first page of high memory; pages from here on need kmap to be touched. Null on a machine without high memory support.</summary>
    [Linux("mm/memory.c", "highmem_start_page")]
    public Page? HighmemStartPage { get; set; }

    /// <summary>
    /// The pmd under <paramref name="pgd"/> covering <paramref name="address"/>, allocating the pmd
    /// table if the pgd entry is empty (the inline <c>pmd_alloc</c> of include/linux/mm.h). NULL when
    /// out of memory. The caller holds <c>mm->page_table_lock</c>.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="pgd">The pgd entry.</param>
    /// <param name="address">The virtual address.</param>
    [Linux("include/linux/mm.h", "pmd_alloc")]
    public PmdPtr PmdAlloc(MmStruct mm, PgdPtr pgd, uint address)
    {
        IArchitecture arch = _kernel.Arch;
        if (arch.ReadPgd(pgd).None)
            return PmdAllocCore(mm, pgd, address);
        return arch.PmdOffset(pgd, address);
    }

    /// <summary>
    /// Allocates a pmd table for an empty pgd entry. The lock is dropped around the allocation,
    /// which may sleep, so the entry is checked again afterwards: another CPU may have filled it.
    /// </summary>
    /// <param name="mm">The address space; its page_table_lock is held on entry and on return.</param>
    /// <param name="pgd">The empty pgd entry.</param>
    /// <param name="address">The virtual address.</param>
    [Linux("mm/memory.c", "__pmd_alloc")]
    public PmdPtr PmdAllocCore(MmStruct mm, PgdPtr pgd, uint address)
    {
        IArchitecture arch = _kernel.Arch;
        // The quicklist can be used without dropping the lock.
        PmdPtr @new = arch.PmdAllocOneFast(mm, address);
        if (@new.IsNull)
        {
            mm.PageTableLock.Unlock();
            @new = arch.PmdAllocOne(mm, address);
            mm.PageTableLock.Lock();
            if (@new.IsNull)
                return default;

            // Somebody else may have populated the entry while the lock was dropped.
            if (!arch.ReadPgd(pgd).None)
            {
                arch.PmdFree(@new);
                goto Out;
            }
        }
        arch.PgdPopulate(mm, pgd, @new);
    Out:
        return arch.PmdOffset(pgd, address);
    }

    /// <summary>
    /// The pte under <paramref name="pmd"/> covering <paramref name="address"/>, allocating the page
    /// table if the pmd is empty; NULL when out of memory. The caller holds
    /// <c>mm->page_table_lock</c>, which is dropped around a slow allocation.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="pmd">The pmd entry.</param>
    /// <param name="address">The virtual address.</param>
    [Linux("mm/memory.c", "pte_alloc")]
    public PtePtr PteAlloc(MmStruct mm, PmdPtr pmd, uint address)
    {
        IArchitecture arch = _kernel.Arch;
        if (arch.ReadPmd(pmd).None)
        {
            // A page table from this CPU's quicklist needs no lock juggling.
            PtePtr @new = arch.PteAllocOneFast(mm, address);
            if (@new.IsNull)
            {
                mm.PageTableLock.Unlock();
                @new = arch.PteAllocOne(mm, address);
                mm.PageTableLock.Lock();
                if (@new.IsNull)
                    return default;

                // The lock was dropped: another CPU may have installed a table meanwhile.
                if (!arch.ReadPmd(pmd).None)
                {
                    arch.PteFree(@new);
                    goto Out;
                }
            }
            arch.PmdPopulate(mm, pmd, @new);
        }
    Out:
        return arch.PteOffset(pmd, address);
    }
}
