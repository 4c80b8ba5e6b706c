using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;

namespace LinuxVm.Arch.X86;

// include/asm-i386/pgalloc.h: allocating and freeing page directories and page tables, with the
// per-CPU quicklists that recycle freed page tables without a trip through the buddy allocator.
public sealed partial class I386
{
    // A quicklist is a stack of free pages linked through their first 32-bit word, in the pages
    // themselves (simulated memory), exactly as in C.
    private uint ReadWord(uint kaddr) => Kernel.Phys.ReadU32(Kernel.Pa(kaddr));
    private void WriteWord(uint kaddr, uint value) => Kernel.Phys.WriteU32(Kernel.Pa(kaddr), value);

    /// <summary>Builds a new process page directory from scratch.</summary>
    [Linux("include/asm-i386/pgalloc.h", "get_pgd_slow")]
    private uint GetPgdSlow() => _layout.GetPgdSlow(this);

    /// <summary>Pops a pgd from this CPU's quicklist, or builds one.</summary>
    [Linux("include/asm-i386/pgalloc.h", "get_pgd_fast")]
    private uint GetPgdFast()
    {
        Cpu c = CurrentCpuData;
        uint ret = c.PgdQuick;
        if (ret != 0)
        {
            c.PgdQuick = ReadWord(ret);
            WriteWord(ret, 0);
            c.PgtableCacheSz--;
        }
        else
            ret = GetPgdSlow();
        return ret;
    }

    /// <summary>Pushes a pgd onto this CPU's quicklist. Nothing calls it in 2.4.20: pgd_free goes straight to free_pgd_slow.</summary>
    /// <param name="pgd">The pgd.</param>
    [Linux("include/asm-i386/pgalloc.h", "free_pgd_fast")]
    private void FreePgdFast(uint pgd)
    {
        Cpu c = CurrentCpuData;
        WriteWord(pgd, c.PgdQuick);
        c.PgdQuick = pgd;
        c.PgtableCacheSz++;
    }

    /// <summary>Frees a page directory.</summary>
    /// <param name="pgd">The pgd.</param>
    [Linux("include/asm-i386/pgalloc.h", "free_pgd_slow")]
    private void FreePgdSlow(uint pgd) => _layout.FreePgdSlow(this, pgd);

    /// <inheritdoc/>
    public uint PgdAlloc(MmStruct mm) => GetPgdFast();

    /// <inheritdoc/>
    public void PgdFree(uint pgd) => FreePgdSlow(pgd);

    /// <inheritdoc/>
    public PtePtr PteAllocOne(MmStruct? mm, uint address)
    {
        uint pte = Kernel.PageAlloc.GetFreePage(Gfp.Kernel);
        if (pte != 0)
            Kernel.Phys.Fill(Kernel.Pa(pte), 0, PageConstants.PageSize); // clear_page
        return new PtePtr(pte, _layout.EntryBytes);
    }

    /// <inheritdoc/>
    public PtePtr PteAllocOneFast(MmStruct? mm, uint address)
    {
        Cpu c = CurrentCpuData;
        uint ret = c.PteQuick;
        if (ret != 0)
        {
            c.PteQuick = ReadWord(ret);
            // The link overwrote the first word of a page of empty ptes; the second word is still
            // zero, so copying it back restores an all-zero table.
            WriteWord(ret, ReadWord(ret + 4));
            c.PgtableCacheSz--;
        }
        return new PtePtr(ret, _layout.EntryBytes);
    }

    /// <inheritdoc/>
    public void PteFree(PtePtr pte)
    {
        Cpu c = CurrentCpuData;
        WriteWord(pte.Address, c.PteQuick);
        c.PteQuick = pte.Address;
        c.PgtableCacheSz++;
    }

    /// <inheritdoc/>
    public void PteFreeSlow(PtePtr pte) => Kernel.PageAlloc.FreePage(pte.Address);

    /// <inheritdoc/>
    public PmdPtr PmdAllocOneFast(MmStruct? mm, uint address) =>
        throw new KernelPanicException("pmd_alloc_one_fast called: i386 pmds come with the pgd", "pmd_alloc_one_fast");

    /// <inheritdoc/>
    public PmdPtr PmdAllocOne(MmStruct? mm, uint address) =>
        throw new KernelPanicException("pmd_alloc_one called: i386 pmds come with the pgd", "pmd_alloc_one");

    /// <inheritdoc/>
    public void PmdFree(PmdPtr pmd) { }

    /// <summary>Does nothing: there is no pmd quicklist on i386.</summary>
    /// <param name="pmd">The pmd.</param>
    [Linux("include/asm-i386/pgalloc.h", "pmd_free_slow")]
    private static void PmdFreeSlow(PmdPtr pmd) { }

    /// <inheritdoc/>
    public void PmdPopulate(MmStruct mm, PmdPtr pmd, PtePtr pte) =>
        SetPmd(pmd, new Pmd(PageBits.Table + Kernel.Pa(pte.Address)));

    /// <inheritdoc/>
    public void PgdPopulate(MmStruct mm, PgdPtr pgd, PmdPtr pmd) =>
        throw new KernelPanicException("pgd_populate called: pgd_none is never true on i386", "pgd_populate");

    /// <inheritdoc/>
    public uint PgtableCacheSize => CurrentCpuData.PgtableCacheSz;

    /// <inheritdoc/>
    /// <remarks>The body of arch/i386/mm/init.c's do_check_pgt_cache: pop pages off the three
    /// quicklists, in turn, back to the buddy allocator until the cache is down to <paramref name="low"/>.</remarks>
    public int DoCheckPgtCache(int low, int high)
    {
        Cpu c = CurrentCpuData;
        int freed = 0;
        if (c.PgtableCacheSz > high)
        {
            do
            {
                if (c.PgdQuick != 0)
                {
                    FreePgdSlow(GetPgdFast());
                    freed++;
                }
                if (c.PmdQuick != 0)
                {
                    PmdFreeSlow(PmdAllocOneFast(null, 0));
                    freed++;
                }
                if (c.PteQuick != 0)
                {
                    PteFreeSlow(PteAllocOneFast(null, 0));
                    freed++;
                }
            } while (c.PgtableCacheSz > low);
        }
        return freed;
    }
}
