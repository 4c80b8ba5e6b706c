using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The PAE layout of include/asm-i386/pgtable-3level.h (CONFIG_HIGHMEM64G): 64-bit entries with
/// 36-bit physical addresses, so a 32-bit kernel can use up to 64 GiB of RAM. Three real levels:
/// a 4-entry pgd (the CPU's page-directory-pointer table), 512-entry pmds, 512-entry page tables.
/// </summary>
/// <remarks>
/// <code>
///  linear address
///  31 30 29          21 20          12 11          0
/// +-----+--------------+--------------+-------------+
/// | pgd |  pmd index   |  pte index   |   offset    |
/// | (2) |   (9 bits)   |   (9 bits)   |  (12 bits)  |
/// +-----+--------------+--------------+-------------+
///  one pgd entry = 1 GiB, one pmd entry = 2 MiB, one pte = 4 KiB
///
///  pte (64 bits):  63        36 35                12 11              0
///                 |  reserved  | page frame (24)   |  flags as 2-level |
/// </code>
/// A pgd entry holds only P (the CPU ignores R/W and U/S at that level), which is why Linux writes
/// <c>__pa(pmd) + 1</c>. The CPU reads the four pgd entries once, when cr3 is loaded: Linux never
/// changes a live process's pgd entries, and allocates all three user pmds with the pgd.
/// A pmd entry with PS set maps a 2 MiB page.
/// </remarks>
public sealed class PgtableThreeLevel : PgtableLayout
{
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-3level.h", "PGDIR_SHIFT")] public override int PgdirShift => 30;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-3level.h", "PTRS_PER_PGD")] public override int PtrsPerPgd => 4;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-3level.h", "PMD_SHIFT")] public override int PmdShift => 21;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-3level.h", "PTRS_PER_PMD")] public override int PtrsPerPmd => 512;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-3level.h", "PTRS_PER_PTE")] public override int PtrsPerPte => 512;
    /// <inheritdoc/>
    public override uint EntryBytes => 8;
    /// <inheritdoc/>
    public override int LastPkmap => 512;

    /// <summary>Follows the pgd entry to its pmd page and indexes it.</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="dir">The pgd entry.</param>
    /// <param name="address">The virtual address.</param>
    [Linux("include/asm-i386/pgtable-3level.h", "pmd_offset")]
    public override PmdPtr PmdOffset(I386 arch, PgdPtr dir, uint address) =>
        new PmdPtr(arch.PgdPage(arch.ReadPgd(dir)), EntryBytes) + arch.PmdIndex(address);

    /// <summary>High word first, then the low word that holds P: the CPU never sees a half-written present entry.</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    /// <param name="pte">The entry.</param>
    [Linux("include/asm-i386/pgtable-3level.h", "set_pte")]
    public override void SetPte(PhysicalMemory phys, ulong paddr, Pte pte)
    {
        phys.WriteU32(paddr + 4, pte.High);
        phys.WriteU32(paddr, pte.Low);
    }

    /// <summary>Exchanges the low word with zero first (that makes the entry not present), then reads and clears the high word.</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    [Linux("include/asm-i386/pgtable-3level.h", "ptep_get_and_clear")]
    public override Pte PtepGetAndClear(PhysicalMemory phys, ulong paddr)
    {
        uint low = phys.ReadU32(paddr);
        if (low != 0)
            phys.WriteU32(paddr, 0);
        uint high = phys.ReadU32(paddr + 4);
        if (high != 0)
            phys.WriteU32(paddr + 4, 0);
        return new Pte(((ulong)high << 32) | low);
    }

    /// <summary>A 32-byte pgd with a fresh zeroed pmd page behind each of the three user slots and the kernel slot copied from swapper_pg_dir.</summary>
    /// <param name="arch">The architecture.</param>
    /// <remarks>The pgd comes from the slab cache "pae_pgd" (pae_pgd_cachep), made by
    /// pgtable_cache_init, as in 2.4.20.</remarks>
    public override uint GetPgdSlow(I386 arch)
    {
        Kernel k = arch.Kernel;
        KmemCache cache = arch.Init.PaePgdCachep
            ?? throw new KernelPanicException("pae_pgd_cachep used before pgtable_cache_init", "get_pgd_slow");
        uint pgd = k.Slab.KmemCacheAlloc(cache, Gfp.Kernel);
        if (pgd == 0)
            return 0;
        var dir = new PgdPtr(pgd, EntryBytes);
        int i;
        for (i = 0; i < arch.UserPtrsPerPgd; i++)
        {
            uint pmd = k.PageAlloc.GetFreePage(Gfp.Kernel);
            if (pmd == 0)
                goto OutOom;
            k.Phys.Fill(k.Pa(pmd), 0, PageConstants.PageSize);
            arch.SetPgd(dir + i, new Pgd(1 + k.Pa(pmd)));
        }
        int user = arch.UserPtrsPerPgd;
        PgtableTwoLevel.CopyEntries(k, KernelImage.SwapperPgDir + (uint)user * 8, pgd + (uint)user * 8, (uint)(PtrsPerPgd - user) * 8);
        return pgd;
    OutOom:
        for (i--; i >= 0; i--)
            k.PageAlloc.FreePage(k.Va(arch.ReadPgd(dir + i).Value - 1));
        k.Slab.KmemCacheFree(cache, pgd);
        return 0;
    }

    /// <summary>Frees the three user pmd pages, then the pgd.</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="pgd">Kernel virtual address of the pgd.</param>
    public override void FreePgdSlow(I386 arch, uint pgd)
    {
        Kernel k = arch.Kernel;
        var dir = new PgdPtr(pgd, EntryBytes);
        for (int i = 0; i < arch.UserPtrsPerPgd; i++)
            k.PageAlloc.FreePage(k.Va(arch.ReadPgd(dir + i).Value - 1));
        k.Slab.KmemCacheFree(arch.Init.PaePgdCachep!, pgd);
    }
}
