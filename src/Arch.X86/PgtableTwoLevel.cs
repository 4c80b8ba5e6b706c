using LinuxVm.Mm;
using LinuxVm.Mm.Arch;
using LinuxVm.Mm.Include;
using LinuxVm.Mm.Sim;

namespace LinuxVm.Arch.X86;

/// <summary>
/// The classic i386 layout of include/asm-i386/pgtable-2level.h (CONFIG_HIGHMEM4G or no highmem):
/// 32-bit entries, a 1024-entry page directory and 1024-entry page tables. Linux's middle level
/// is folded into the pgd: a pmd has one entry, and it is the pgd entry itself.
/// </summary>
/// <remarks>
/// <code>
///  linear address                         4 GiB of virtual space
///  31          22 21          12 11          0
/// +--------------+--------------+-------------+
/// |  pgd index   |  pte index   |   offset    |
/// |  (10 bits)   |  (10 bits)   |  (12 bits)  |
/// +--------------+--------------+-------------+
///        |              |
///        |   one pgd entry = one "pmd" = 4 MiB; one pte = 4 KiB
///
///  pgd/pmd entry: | page-table frame (20) | avail | G | PS | 0 | A | PCD | PWT | U | W | P |
///  pte:           | page frame (20)       | avail | G | 0  | D | A | PCD | PWT | U | W | P |
/// </code>
/// With PS set (and CR4.PSE on) a pgd entry maps a 4 MiB page: bits 31..22 are its frame.
/// Physical addresses are 32 bits, so RAM above 4 GiB is out of reach.
/// </remarks>
public sealed class PgtableTwoLevel : PgtableLayout
{
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-2level.h", "PGDIR_SHIFT")] public override int PgdirShift => 22;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-2level.h", "PTRS_PER_PGD")] public override int PtrsPerPgd => 1024;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-2level.h", "PMD_SHIFT")] public override int PmdShift => 22;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-2level.h", "PTRS_PER_PMD")] public override int PtrsPerPmd => 1;
    /// <inheritdoc/>
    [Linux("include/asm-i386/pgtable-2level.h", "PTRS_PER_PTE")] public override int PtrsPerPte => 1024;
    /// <inheritdoc/>
    public override uint EntryBytes => 4;
    /// <inheritdoc/>
    public override int LastPkmap => 1024;

    /// <summary>The folded pmd: the pgd entry itself, whatever the address.</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="dir">The pgd entry.</param>
    /// <param name="address">Ignored.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "pmd_offset")]
    public override PmdPtr PmdOffset(I386 arch, PgdPtr dir, uint address) => new(dir.Address, EntryBytes);

    /// <summary>A plain 32-bit store.</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    /// <param name="pte">The entry.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "set_pte")]
    public override void SetPte(PhysicalMemory phys, ulong paddr, Pte pte) => phys.WriteU32(paddr, pte.Low);

    /// <summary>An exchange with zero (xchg is atomic against the CPU setting the dirty bit).</summary>
    /// <param name="phys">Memory.</param>
    /// <param name="paddr">Physical address of the entry.</param>
    [Linux("include/asm-i386/pgtable-2level.h", "ptep_get_and_clear")]
    public override Pte PtepGetAndClear(PhysicalMemory phys, ulong paddr)
    {
        uint old = phys.ReadU32(paddr);
        if (old != 0)
            phys.WriteU32(paddr, 0);
        return new Pte(old);
    }

    /// <summary>One page: user entries zeroed, kernel entries copied from swapper_pg_dir, so every process shares the kernel's page tables.</summary>
    /// <param name="arch">The architecture.</param>
    public override uint GetPgdSlow(I386 arch)
    {
        Kernel k = arch.Kernel;
        uint pgd = k.PageAlloc.GetFreePage(Gfp.Kernel);
        if (pgd != 0)
        {
            int user = arch.UserPtrsPerPgd;
            k.Phys.Fill(k.Pa(pgd), 0, (uint)(user * 4));
            CopyEntries(k, KernelImage.SwapperPgDir + (uint)user * 4, pgd + (uint)user * 4, (uint)(PtrsPerPgd - user) * 4);
        }
        return pgd;
    }

    /// <summary>Gives the page back.</summary>
    /// <param name="arch">The architecture.</param>
    /// <param name="pgd">Kernel virtual address of the pgd.</param>
    public override void FreePgdSlow(I386 arch, uint pgd) => arch.Kernel.PageAlloc.FreePage(pgd);

    internal static void CopyEntries(Kernel k, uint from, uint to, uint bytes)
    {
        Span<byte> buf = stackalloc byte[(int)bytes];
        k.Phys.Read(k.Pa(from), buf);
        k.Phys.Write(k.Pa(to), buf);
    }
}
