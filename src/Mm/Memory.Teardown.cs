using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Mm;

// mm/memory.c, first part: dropping the page a pte maps, and freeing the page tables of a
// process's user space once its mappings are gone (exit, exec).
public sealed partial class Memory
{
    // A pte names a frame; mem_map only describes RAM, so a frame number past max_mapnr (device
    // memory mapped by remap_page_range) has no page descriptor. This is VALID_PAGE(pte_page(pte)).
    private bool PteMapsValidPage(Pte pte) => pte.Pfn < MaxMapnr;

    /// <summary>
    /// Copies the page a copy-on-write fault breaks away from into the new private page. The zero
    /// page is not copied: the new page is cleared instead, which is cheaper and gives the same bytes.
    /// </summary>
    /// <param name="from">The shared page.</param>
    /// <param name="to">The new private page.</param>
    /// <param name="address">The faulting user address.</param>
    [Linux("mm/memory.c", "copy_cow_page")]
    private void CopyCowPage(Page from, Page to, uint address)
    {
        if (from == _kernel.Arch.ZeroPage(address))
        {
            ClearUserHighpage(to, address);
            return;
        }
        CopyUserHighpage(to, from, address);
    }

    /// <summary>
    /// Zeroes a page that will be mapped into user space at <paramref name="vaddr"/>
    /// (include/linux/highmem.h: kmap_atomic, clear_user_page, kunmap_atomic).
    /// </summary>
    /// <param name="page">The page, low or high memory.</param>
    /// <param name="vaddr">The user address it will appear at (only caches that alias care).</param>
    /// <remarks>Port note: the kernel maps a high page through a kmap_atomic slot and clears it
    /// through that address; the simulation clears the frame directly, the same bytes.</remarks>
    [Linux("include/linux/highmem.h", "clear_user_highpage")]
    public void ClearUserHighpage(Page page, uint vaddr) =>
        _kernel.Phys.Fill(_kernel.PageToPhys(page), 0, PageConstants.PageSize);

    /// <summary>Copies a whole page for a user mapping (include/linux/highmem.h: two kmap_atomic slots and copy_user_page).</summary>
    /// <param name="to">Destination page.</param>
    /// <param name="from">Source page.</param>
    /// <param name="vaddr">The user address.</param>
    /// <remarks>Port note: as for <see cref="ClearUserHighpage"/>, the frames are copied directly.</remarks>
    [Linux("include/linux/highmem.h", "copy_user_highpage")]
    public void CopyUserHighpage(Page to, Page from, uint vaddr) =>
        _kernel.Phys.CopyFrame((uint)to.MapNr, (uint)from.MapNr);

    /// <summary>
    /// Releases the page an unmapped pte pointed at: a dirty pte passes its dirty bit on to the
    /// page, then the mapping's reference goes. Reserved pages (the zero page, remapped device
    /// memory) are not reference counted.
    /// </summary>
    /// <param name="pte">The pte that was cleared.</param>
    [Linux("mm/memory.c", "__free_pte")]
    public void FreePteCore(Pte pte)
    {
        if (!PteMapsValidPage(pte))
            return;
        Page page = _kernel.Arch.PtePage(pte);
        if (PageFlags.PageReserved(page))
            return;
        if (pte.Dirty)
            _kernel.Filemap.SetPageDirty(page);
        _kernel.SwapState.FreePageAndSwapCache(page);
    }

    /// <summary>
    /// Frees the page table under one pmd entry and empties the entry. The pages it mapped must be
    /// gone already (zap_page_range), so only the table itself goes, onto the quicklist.
    /// </summary>
    /// <param name="dir">The pmd entry.</param>
    [Linux("mm/memory.c", "free_one_pmd")]
    private void FreeOnePmd(PmdPtr dir)
    {
        IArchitecture arch = _kernel.Arch;
        Pmd pmd = arch.ReadPmd(dir);
        if (pmd.None)
            return;
        if (pmd.Bad)
        {
            _kernel.Printk($"mm/memory.c: bad pmd {pmd}.");
            arch.PmdClear(dir);
            return;
        }
        PtePtr pte = arch.PteOffset(dir, 0);
        arch.PmdClear(dir);
        arch.PteFree(pte);
    }

    /// <summary>Frees every page table under one pgd entry, then its pmd table (a no-op on i386, where the pmd is the pgd or lives with it).</summary>
    /// <param name="dir">The pgd entry.</param>
    [Linux("mm/memory.c", "free_one_pgd")]
    private void FreeOnePgd(PgdPtr dir)
    {
        IArchitecture arch = _kernel.Arch;
        Pgd pgd = arch.ReadPgd(dir);
        if (pgd.None)
            return;
        if (pgd.Bad)
        {
            _kernel.Printk($"mm/memory.c: bad pgd {pgd}.");
            arch.PgdClear(dir);
            return;
        }
        PmdPtr pmd = arch.PmdOffset(dir, 0);
        arch.PgdClear(dir);
        for (int j = 0; j < arch.PtrsPerPmd; j++)
            FreeOnePmd(pmd + j);
        arch.PmdFree(pmd);
    }

    /// <summary>
    /// Low and high watermarks of the per-CPU page-table quicklists: once a CPU caches more than
    /// the high mark (50 pages), check_pgt_cache returns pages to the buddy allocator until only the
    /// low mark (25) is left.
    /// </summary>
    [Linux("mm/memory.c", "pgt_cache_water")]
    public int[] PgtCacheWater { get; } = [25, 50];

    /// <summary>Trims this CPU's page-table quicklists to the watermarks; returns the pages freed.</summary>
    [Linux("mm/memory.c", "check_pgt_cache")]
    public int CheckPgtCache() => _kernel.Arch.DoCheckPgtCache(PgtCacheWater[0], PgtCacheWater[1]);

    /// <summary>
    /// Frees the page tables under <paramref name="nr"/> pgd entries of <paramref name="mm"/> from
    /// entry <paramref name="first"/> on: what exit and exec do once every user page is unmapped.
    /// </summary>
    /// <param name="mm">The address space.</param>
    /// <param name="first">First pgd index.</param>
    /// <param name="nr">Number of pgd entries, at least 1.</param>
    [Linux("mm/memory.c", "clear_page_tables")]
    public void ClearPageTables(MmStruct mm, uint first, int nr)
    {
        PgdPtr pageDir = _kernel.Arch.PgdOffset(mm, 0) + (int)first;
        mm.PageTableLock.Lock();
        do
        {
            FreeOnePgd(pageDir);
            pageDir++;
        } while (--nr != 0);
        mm.PageTableLock.Unlock();

        // Exit can put many tables on the quicklist at once; give the excess back.
        CheckPgtCache();
    }
}
